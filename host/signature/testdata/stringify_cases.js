// Writes stringify.json: each case's input and what Node returns for
// JSON.stringify(JSON.parse(new TextDecoder().decode(input))). The decoder is
// WHATWG UTF-8 without the fatal flag, so a leading byte order mark is
// skipped and invalid bytes become U+FFFD.
//
// Run from this folder: node stringify_cases.js
// A case has either text (a string, written as UTF-8) or hex (raw bytes).
'use strict';

const fs = require('fs');

const cases = [
  // Literals and layout.
  { name: 'true', text: 'true' },
  { name: 'false', text: 'false' },
  { name: 'null', text: 'null' },
  { name: 'whitespace around value', text: ' \t\r\n{ "a" : [ 1 , 2 ] , "b" : { } } \n' },
  { name: 'empty array', text: '[]' },
  { name: 'empty object', text: '{}' },
  { name: 'empty containers with whitespace', text: '[ [ ] , { } ]' },
  { name: 'nested arrays', text: '[[[[[1]]]],[[]],[]]' },
  { name: 'pretty printed event', text: '{\n  "type": "MESSAGE_CREATE",\n  "data": {\n    "id": 1001,\n    "content": "!ping",\n    "mentions": [\n      456\n    ]\n  }\n}' },
  { name: 'byte order mark skipped', hex: 'efbbbf7b2261223a317d' },
  { name: 'byte order mark then whitespace', hex: 'efbbbf20205b5d' },

  // Numbers.
  { name: 'small integers', text: '[0,1,-1,42,-42,123456789012345]' },
  { name: 'negative zero', text: '[-0,-0.0,-0e5,0e-5,-1e-400]' },
  { name: 'integer past 2^53', text: '[9007199254740993,9007199254740992,9007199254740991]' },
  { name: 'integer of 20 digits', text: '12345678901234567890' },
  { name: 'integer of 16 digits', text: '[1234567890123456,-1234567890123456]' },
  { name: 'threshold 1e21', text: '[1e20,1e21,999999999999999999999,100000000000000000000,123456789012345678901]' },
  { name: 'small fractions', text: '[0.000001,0.0000001,1e-6,1e-7,1.5e-7,0.00000123,1.23e-5]' },
  { name: 'exponent forms', text: '[1E2,1e+2,1e-2,1E-0,1e005,2.5E+10,-3.75e-3]' },
  { name: 'fractions', text: '[0.1,0.2,0.30000000000000004,1.0,1.50,100.25,3.141592653589793]' },
  { name: 'shortest round trip', text: '[0.1e1,5e-324,2e-324,1e-325,4.94065645841246544e-324,2.2250738585072014e-308,1.7976931348623157e308]' },
  { name: 'overflow becomes null', text: '[1e400,-1e400,1.7976931348623159e308,1e99999999999999999999]' },
  { name: 'rounding to max float', text: '1.7976931348623158e308' },
  { name: 'zero with huge exponent', text: '[0e99999999999999999999,0.0e-99999999999999999999]' },
  { name: 'long mantissa', text: '[0.1000000000000000055511151231257827021181583404541015625,123456789012345678901234567890e-30]' },
  { name: 'large exponents printed', text: '[1e100,-1.5e300,1.2345e-100,6.02214076e23]' },
  { name: 'halfway cases', text: '[9007199254740993.0,2.5000000000000004,0.30000000000000001]' },

  // Strings.
  { name: 'short escapes', text: '"\\"\\\\\\/\\b\\f\\n\\r\\t"' },
  { name: 'unicode escapes of short escapes', text: '"\\u0022\\u005c\\u002f\\u0008\\u000c\\u000a\\u000d\\u0009"' },
  { name: 'control characters', text: '"\\u0000\\u0001\\u001f\\u000B\\u001F\\u007f"' },
  { name: 'non-ascii escapes', text: '"\\u00e9\\u00E9\\u4e2d\\uFFFF\\uFFFE\\ufeff"' },
  { name: 'line and paragraph separators', text: '"\\u2028\\u2029 \u2028\u2029"' },
  { name: 'html characters', text: '"<script>&amp;\'</script>\\u003c\\u003e\\u0026"' },
  { name: 'raw unicode', text: '"é中文😀\u{10FFFF}"' },
  { name: 'escaped surrogate pair', text: '"\\ud83d\\ude00\\uD83D\\uDE00\\udbff\\udfff"' },
  { name: 'lone high surrogate', text: '"a\\ud800b"' },
  { name: 'lone high surrogate at end', text: '"\\uD800"' },
  { name: 'lone low surrogate', text: '"\\udc00\\uDFFF"' },
  { name: 'two high surrogates', text: '"\\ud800\\ud800\\udc00"' },
  { name: 'low before high', text: '"\\udc00\\ud800"' },
  { name: 'high surrogate before short escape', text: '"\\ud800\\n"' },
  { name: 'high surrogate before raw astral', text: '"\\ud800😀"' },
  { name: 'raw U+FFFD', text: '"\ufffd"' },
  { name: 'raw delete', hex: '227f22' },
  { name: 'raw byte order mark in string', hex: '22efbbbf22' },

  // Invalid UTF-8 inside strings.
  { name: 'truncated three byte sequence', hex: '22e2827822' },
  { name: 'encoded surrogate', hex: '22eda08022' },
  { name: 'above U+10FFFF', hex: '22f490808022' },
  { name: 'overlong two byte', hex: '22c08022' },
  { name: 'overlong three byte', hex: '22e0808022' },
  { name: 'overlong four byte', hex: '22f08080af22' },
  { name: 'truncated four byte before quote', hex: '22f09f9822' },
  { name: 'lone continuation bytes', hex: '22808182bf22' },
  { name: 'five and six byte leads', hex: '22f888808080fc848080808022' },
  { name: 'bytes fe and ff', hex: '22feff22' },
  { name: 'lead bytes c2 and f5', hex: '22c2f580808022' },
  { name: 'two leads in a row', hex: '22e2e28282ac22' },
  { name: 'invalid key', hex: '7b22ff223a317d' },

  // Object key order.
  { name: 'integer keys first', text: '{"b":1,"a":2,"2":3,"1":4,"0":5}' },
  { name: 'array index limit', text: '{"b":1,"4294967295":2,"4294967294":3,"1":4}' },
  { name: 'non-canonical integer keys', text: '{"01":1,"-1":2,"1.0":3,"1e3":4," 1":5,"+1":6,"-0":7,"00":8,"1":9}' },
  { name: 'large integer-like keys', text: '{"99999999999":1,"10000000000":2,"4294967296":3,"42":4}' },
  { name: 'escaped digit key', text: '{"x":1,"\\u0031\\u0030":2,"9":3}' },
  { name: 'empty key', text: '{"":1,"a":2,"":3}' },
  { name: 'proto key', text: '{"__proto__":{"polluted":true},"constructor":1,"toString":2}' },
  { name: 'keys in insertion order', text: '{"z":1,"y":2,"x":3,"é":4,"a":5}' },

  // Duplicate keys.
  { name: 'duplicate key keeps first position', text: '{"a":1,"b":2,"a":3}' },
  { name: 'duplicate key three times', text: '{"a":1,"b":2,"a":3,"c":4,"a":5}' },
  { name: 'duplicate key with object values', text: '{"a":{"x":1},"b":0,"a":{"y":2}}' },
  { name: 'duplicate integer key', text: '{"5":1,"b":2,"5":3,"1":4}' },
  { name: 'duplicate key spelled with escape', text: '{"a":1,"\\u0061":2,"b":3}' },
  { name: 'duplicate surrogate pair key', text: '{"\\ud83d\\ude00":1,"😀":2}' },
  { name: 'duplicate key in nested object', text: '[{"k":1,"k":2},{"k":3}]' },
  { name: 'duplicate key in large object', text: '{' + Array.from({ length: 40 }, (_, i) => `"k${i % 23}":${i}`).join(',') + '}' },
  { name: 'large object with integer keys', text: '{' + Array.from({ length: 30 }, (_, i) => `"${(i * 7919) % 97}":${i},"s${i % 11}":${i}`).join(',') + '}' },
  { name: 'parent and child both reordered', text: '{"b":{"d":1,"3":2,"d":3},"1":{"z":0,"0":1}}' },

  // Invalid documents.
  { name: 'empty input', text: '' },
  { name: 'whitespace only', text: ' \n ' },
  { name: 'byte order mark only', hex: 'efbbbf' },
  { name: 'two byte order marks', hex: 'efbbbfefbbbf5b5d' },
  { name: 'trailing comma in array', text: '[1,]' },
  { name: 'trailing comma in object', text: '{"a":1,}' },
  { name: 'leading zero', text: '01' },
  { name: 'leading zero in array', text: '[01]' },
  { name: 'minus alone', text: '-' },
  { name: 'minus then letter', text: '-a' },
  { name: 'fraction without digits', text: '1.' },
  { name: 'fraction without integer', text: '.5' },
  { name: 'exponent without digits', text: '1e' },
  { name: 'exponent sign without digits', text: '1e+' },
  { name: 'plus sign', text: '+1' },
  { name: 'NaN', text: 'NaN' },
  { name: 'Infinity', text: 'Infinity' },
  { name: 'hex number', text: '0x10' },
  { name: 'single quotes', text: "'a'" },
  { name: 'unquoted key', text: '{a:1}' },
  { name: 'comment', text: '[1 /* c */]' },
  { name: 'two values', text: '1 2' },
  { name: 'two objects', text: '{}{}' },
  { name: 'raw newline in string', text: '"a\nb"' },
  { name: 'raw tab in string', text: '"a\tb"' },
  { name: 'invalid escape', text: '"\\x41"' },
  { name: 'short unicode escape', text: '"\\u12"' },
  { name: 'non-hex unicode escape', text: '"\\u12g4"' },
  { name: 'high surrogate before bad escape', text: '"\\ud800\\uzzzz"' },
  { name: 'unterminated string', text: '"abc' },
  { name: 'unterminated escape', text: '"abc\\' },
  { name: 'unterminated array', text: '[1,2' },
  { name: 'unterminated object', text: '{"a":1' },
  { name: 'missing colon', text: '{"a" 1}' },
  { name: 'missing value', text: '{"a":}' },
  { name: 'truncated literal', text: 'tru' },
  { name: 'literal with suffix', text: 'nulls' },
  { name: 'capitalised literal', text: 'True' },
  { name: 'invalid byte outside string', hex: '5bff5d' },
  { name: 'vertical tab as whitespace', text: '\v1' },
  { name: 'form feed as whitespace', text: '[1,\f2]' },
  { name: 'no-break space as whitespace', text: '\u00a01' },
  { name: 'closing bracket mismatch', text: '[1}' },
  { name: 'nested too deep for node', text: '['.repeat(20000) + ']'.repeat(20000) },
];

const decoder = new TextDecoder();
const results = cases.map(({ name, text, hex }) => {
  const input = hex !== undefined ? Buffer.from(hex, 'hex') : Buffer.from(text, 'utf8');
  const result = { name };
  if (hex !== undefined) {
    result.inputHex = hex;
  } else {
    result.input = text;
  }
  try {
    result.want = JSON.stringify(JSON.parse(decoder.decode(input)));
  } catch (err) {
    result.nodeError = err.message.slice(0, 120);
  }
  return result;
});

fs.writeFileSync('stringify.json', JSON.stringify(results, null, 1) + '\n');
