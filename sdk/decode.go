package sdk

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
)

// decoder is a validating JSON decoder for the event envelope and the event
// structs. It exists because encoding/json is slow in a WebAssembly guest,
// where the host's deadline check makes every jump cost tens of
// nanoseconds: the decoder reads strings 8 bytes at a time and decodes each
// struct with a switch over its member names, without reflection.
//
// It accepts exactly the input that encoding/json accepts and decodes it to
// the same values (FuzzDecodeMatchesEncodingJSON checks both). Errors are
// encoding/json's too: a syntax error anywhere in the input is the
// *json.SyntaxError that json.Unmarshal returns, and a member of the wrong
// type is a *json.UnmarshalTypeError. Unlike encoding/json, the decoder
// stops at the first member of the wrong type.
type decoder struct {
	data  []byte
	pos   int
	depth int
}

// valueDecoder is a struct that decodes itself from a decoder.
type valueDecoder interface {
	decode(d *decoder) error
}

// maxDepth is the deepest nesting of objects and arrays that encoding/json
// (Go 1.26) accepts.
const maxDepth = 10000

// errSyntax marks input that is not valid JSON. decodeValue replaces it with
// the error json.Unmarshal returns for the same input.
var errSyntax = errors.New("sdk: invalid JSON")

// Types named in *json.UnmarshalTypeError.
var (
	boolType    = reflect.TypeFor[bool]()
	intType     = reflect.TypeFor[int]()
	int64Type   = reflect.TypeFor[int64]()
	stringType  = reflect.TypeFor[string]()
	int64sType  = reflect.TypeFor[[]int64]()
	stringsType = reflect.TypeFor[[]string]()
)

// decodeValue decodes data, which must hold one JSON value, into v.
func decodeValue(data []byte, v valueDecoder) error {
	d := decoder{data: data}
	err := v.decode(&d)
	if err == nil && !d.atEnd() {
		err = errSyntax
	}
	if err != nil {
		return standardError(data, err)
	}
	return nil
}

// standardError returns the error that json.Unmarshal returns for data when
// data is not valid JSON, and err otherwise. encoding/json checks the whole
// input before it decodes, so a syntax error takes precedence over a type
// error earlier in the input.
func standardError(data []byte, err error) error {
	var raw json.RawMessage
	if jsonErr := json.Unmarshal(data, &raw); jsonErr != nil {
		return jsonErr
	}
	if err == errSyntax {
		// Not reached unless the decoder and encoding/json disagree, which
		// FuzzDecodeMatchesEncodingJSON checks.
		return errors.New("sdk: the JSON decoder rejected input that encoding/json accepts")
	}
	return err
}

// atEnd skips white space and reports whether nothing else follows.
func (d *decoder) atEnd() bool {
	d.skipSpace()
	return d.pos == len(d.data)
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// next skips white space and returns the byte that starts the next token, or
// 0 at the end of the input. The test for a byte that is not white space
// comes first and is inlined, because compact JSON has none.
func (d *decoder) next() byte {
	if d.pos < len(d.data) && d.data[d.pos] > ' ' {
		return d.data[d.pos]
	}
	return d.nextAfterSpace()
}

func (d *decoder) nextAfterSpace() byte {
	d.skipSpace()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// consume skips white space and then c, and reports whether c was there.
func (d *decoder) consume(c byte) bool {
	if d.next() != c {
		return false
	}
	d.pos++
	return true
}

// enter counts one more level of nesting.
func (d *decoder) enter() error {
	d.depth++
	if d.depth > maxDepth {
		return errSyntax
	}
	return nil
}

// typeError returns the error for a value of the wrong type for t at d.pos,
// or errSyntax when no JSON value starts there. Like encoding/json, it names
// the JSON type that was found.
func (d *decoder) typeError(t reflect.Type) error {
	var found string
	switch d.next() {
	case '"':
		found = "string"
	case '{':
		found = "object"
	case '[':
		found = "array"
	case 't', 'f':
		found = "bool"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		found = "number"
	default:
		return errSyntax
	}
	return &json.UnmarshalTypeError{Value: found, Type: t, Offset: int64(d.pos)}
}

// decodeArray reads the JSON array at d.pos, calling element to read each
// element.
func (d *decoder) decodeArray(element func() error) error {
	if err := d.enter(); err != nil {
		return err
	}
	d.pos++ // '['
	if d.consume(']') {
		d.depth--
		return nil
	}
	for {
		if err := element(); err != nil {
			return err
		}
		if d.consume(',') {
			continue
		}
		if !d.consume(']') {
			return errSyntax
		}
		d.depth--
		return nil
	}
}

// structInfo describes an event struct for decodeObject and encodeObject.
type structInfo struct {
	// typ is the struct type, which type errors name.
	typ reflect.Type
	// keys lists the JSON member names of its fields.
	keys []string
}

func newStructInfo[T any]() structInfo {
	return structInfo{typ: reflect.TypeFor[T](), keys: jsonKeys[T]()}
}

// jsonKeys returns the JSON member names that encoding/json uses for the
// fields of the struct type T, leaving out fields tagged "-".
func jsonKeys[T any]() []string {
	t := reflect.TypeFor[T]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		field := t.Field(i)
		if !field.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(field.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = field.Name
		}
		keys = append(keys, name)
	}
	return keys
}

// decodeObject reads the JSON object at d.pos. field decodes the value of
// the member key and returns true, or returns false for a member it has no
// field for, which goes to *unknown. info.keys lists the names that field
// decodes, so that a name that differs only in case counts too, as in
// encoding/json.
//
// A JSON null leaves the struct and *unknown unchanged, as encoding/json
// does.
func (d *decoder) decodeObject(info *structInfo, unknown *map[string]json.RawMessage, field func(key []byte) (bool, error)) error {
	switch d.next() {
	case '{':
	case 'n':
		return d.literal("null")
	default:
		return d.typeError(info.typ)
	}
	if err := d.enter(); err != nil {
		return err
	}
	d.pos++
	*unknown = nil
	if d.consume('}') {
		d.depth--
		return nil
	}

	for {
		key, err := d.readKey()
		if err != nil {
			return err
		}
		known, err := field(key)
		if !known && err == nil {
			if i := foldedKey(key, info.keys); i >= 0 {
				known, err = field([]byte(info.keys[i]))
			}
		}
		if err != nil {
			return addErrorContext(err, info.typ, key)
		}
		if !known {
			value, err := d.skipValue()
			if err != nil {
				return err
			}
			if *unknown == nil {
				*unknown = make(map[string]json.RawMessage)
			}
			// d.data may be the reused event buffer, so the value is
			// copied.
			(*unknown)[string(key)] = append(json.RawMessage(nil), value...)
		}

		if d.consume(',') {
			continue
		}
		if !d.consume('}') {
			return errSyntax
		}
		d.depth--
		return nil
	}
}

// foldedKey returns the index of the name in names that name matches when
// case is ignored, as encoding/json matches member names, or -1.
func foldedKey(name []byte, names []string) int {
	for i, candidate := range names {
		if strings.EqualFold(string(name), candidate) {
			return i
		}
	}
	return -1
}

// addErrorContext names the struct and member in a type error from the
// value of the member name, as encoding/json does: the struct is the
// outermost one, and the field is the path of member names to the value.
func addErrorContext(err error, structType reflect.Type, name []byte) error {
	typeErr, ok := err.(*json.UnmarshalTypeError)
	if !ok {
		return err
	}
	if typeErr.Field == "" {
		typeErr.Field = string(name)
	} else {
		typeErr.Field = string(name) + "." + typeErr.Field
	}
	typeErr.Struct = structType.Name()
	return typeErr
}
