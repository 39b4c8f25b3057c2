package sdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// eventStructs returns a new value of every struct that has a decode
// method.
func eventStructs() []valueDecoder {
	return []valueDecoder{
		new(User), new(Role), new(ChannelRef), new(Member), new(Message),
		new(MessageCreate), new(MessageUpdate), new(MessageDelete), new(DMMessageCreate),
		new(GuildMemberAdd), new(GuildMemberUpdate), new(GuildMemberRemove),
		new(Channel), new(ChannelDelete), new(Guild), new(GuildDelete),
		new(GuildRole), new(GuildRoleDelete), new(BotReady), new(BotInfo),
	}
}

// fill sets every field of v, and of the structs and slices it contains, to
// a distinct value that is not zero, counting from *n. Strings contain
// characters that JSON escapes. Unknown values are compact, because
// json.Marshal compacts what MarshalJSON returns.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.Pointer:
		fill(v.Elem(), n)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2025, 12, 31, 12, 0, *n, *n*1000, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).Name == "Unknown" {
				unknown := map[string]json.RawMessage{fmt.Sprintf("extra%d", *n): json.RawMessage(`[1,{"a":"\u00e9"}]`)}
				v.Field(i).Set(reflect.ValueOf(unknown))
				continue
			}
			fill(v.Field(i), n)
		}
	case reflect.Slice:
		if v.Type() == reflect.TypeFor[json.RawMessage]() {
			v.Set(reflect.ValueOf(json.RawMessage(fmt.Sprintf(`{"n":%d}`, *n))))
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(s.Index(0), n)
		fill(s.Index(1), n)
		v.Set(s)
	case reflect.Int, reflect.Int64:
		value := int64(*n) * 1_000_000_007
		if *n%2 == 1 {
			value = -value
		}
		v.SetInt(value)
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d \"é\"\n\u2028 \\ 😀", *n))
	case reflect.Bool:
		v.SetBool(true)
	default:
		panic("fill: unexpected kind " + v.Kind().String())
	}
}

// TestDecodeKnowsEveryField encodes a value of each struct with every field
// set, with encoding/json, and checks that decoding gives the same value. It
// fails when a decode method misses a field or decodes a member into the
// wrong one.
func TestDecodeKnowsEveryField(t *testing.T) {
	for _, value := range eventStructs() {
		name := reflect.TypeOf(value).Elem().Name()
		t.Run(name, func(t *testing.T) {
			n := 0
			fill(reflect.ValueOf(value), &n)
			encoded, err := json.Marshal(value)
			if err != nil {
				t.Fatal(err)
			}

			decoded := reflect.New(reflect.TypeOf(value).Elem()).Interface().(valueDecoder)
			if err := decodeValue(encoded, decoded); err != nil {
				t.Fatalf("decoding %s: %v", encoded, err)
			}
			if !reflect.DeepEqual(decoded, value) {
				t.Errorf("decoded %s\nhave %+v\nwant %+v", encoded, decoded, value)
			}
		})
	}
}

// TestReferenceTypesMirrorEvents checks that each ref type in
// reference_test.go has the fields of the event struct it stands for.
func TestReferenceTypesMirrorEvents(t *testing.T) {
	pairs := []struct{ ref, event reflect.Type }{
		{reflect.TypeFor[refUser](), reflect.TypeFor[User]()},
		{reflect.TypeFor[refChannelRef](), reflect.TypeFor[ChannelRef]()},
		{reflect.TypeFor[refMember](), reflect.TypeFor[Member]()},
		{reflect.TypeFor[refMessageCreate](), reflect.TypeFor[MessageCreate]()},
		{reflect.TypeFor[refGuild](), reflect.TypeFor[Guild]()},
		{reflect.TypeFor[refBotInfo](), reflect.TypeFor[BotInfo]()},
		{reflect.TypeFor[refBotReady](), reflect.TypeFor[BotReady]()},
	}
	for _, p := range pairs {
		if p.ref.NumField() != p.event.NumField() {
			t.Errorf("%s has %d fields, %s has %d", p.ref, p.ref.NumField(), p.event, p.event.NumField())
			continue
		}
		for i := range p.ref.NumField() {
			ref, event := p.ref.Field(i), p.event.Field(i)
			if ref.Name != event.Name || ref.Tag != event.Tag || ref.Type.Kind() != event.Type.Kind() {
				t.Errorf("%s field %d is %s %s %s, %s has %s %s %s",
					p.ref, i, ref.Name, ref.Type, ref.Tag, p.event, event.Name, event.Type, event.Tag)
			}
		}
	}
}

// sameValue reports whether have, a value of an event struct, equals want,
// a value of its ref type, field by field.
func sameValue(have, want reflect.Value) bool {
	if have.Type() == want.Type() {
		return reflect.DeepEqual(have.Interface(), want.Interface())
	}
	switch have.Kind() {
	case reflect.Struct:
		for i := range have.NumField() {
			if !sameValue(have.Field(i), want.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if have.IsNil() != want.IsNil() || have.Len() != want.Len() {
			return false
		}
		for i := range have.Len() {
			if !sameValue(have.Index(i), want.Index(i)) {
				return false
			}
		}
		return true
	}
	return false
}

// checkAgainstReference decodes data into an E with the SDK's decoder and
// into an R, the ref type of E, with encoding/json and the reference
// decoder, and fails the test unless both fail or both give the same value.
// Syntax errors must be the same error.
func checkAgainstReference[E any, R any, P interface {
	*E
	valueDecoder
}](t *testing.T, data []byte) {
	t.Helper()
	var want R
	wantErr := json.Unmarshal(data, &want)
	have := P(new(E))
	haveErr := decodeValue(data, have)

	name := reflect.TypeFor[E]().Name()
	if (haveErr == nil) != (wantErr == nil) {
		t.Fatalf("%s from %q: error %v, encoding/json's error %v", name, data, haveErr, wantErr)
	}
	if wantErr != nil {
		var syntaxErr *json.SyntaxError
		if errors.As(wantErr, &syntaxErr) && haveErr.Error() != wantErr.Error() {
			t.Fatalf("%s from %q: error %q, encoding/json's error %q", name, data, haveErr, wantErr)
		}
		return
	}
	if !sameValue(reflect.ValueOf(have).Elem(), reflect.ValueOf(want)) {
		t.Fatalf("%s from %q:\nhave %+v\nwant %+v", name, data, *have, want)
	}
}

func checkAllAgainstReference(t *testing.T, data []byte) {
	t.Helper()
	checkAgainstReference[MessageCreate, refMessageCreate](t, data)
	checkAgainstReference[Guild, refGuild](t, data)
	checkAgainstReference[BotReady, refBotReady](t, data)
}

// decodeCases are inputs for the decoder that exercise its edge cases, as
// data of MESSAGE_CREATE, GUILD_CREATE and BOT_READY.
var decodeCases = []string{
	`{}`, ` { } `, `null`, `[]`, `"x"`, `1`, `true`, ``, ` `, `{`, `{"id":1}x`, `{"id":1} `,
	`{"id":1,"id":2}`, `{"ID":3,"Id":4}`, `{"iD":5}`, `{"\u0069d":6}`, `{"i\u0064":"x"}`,
	`{"id":9223372036854775807}`, `{"id":-9223372036854775808}`,
	`{"id":9223372036854775808}`, `{"id":-9223372036854775809}`, `{"id":18446744073709551616}`,
	`{"id":00}`, `{"id":-0}`, `{"id":-}`, `{"id":1.0}`, `{"id":1e3}`, `{"id":1E+3}`, `{"id":1.}`,
	`{"id":.5}`, `{"id":+1}`, `{"id":0x1}`, `{"id":12345678901234567890123}`, `{"id":null}`,
	`{"id":"1"}`, `{"id":true}`, `{"id":{}}`, `{"id":[]}`, `{"id":nul}`, `{"id":tru}`,
	`{"msgType":9223372036854775807}`, `{"msgType":1.5}`,
	`{"content":"a\"b\\c\/d\b\f\n\r\t"}`, `{"content":"\u00e9\u2028\ud83d\ude00"}`,
	`{"content":"\ud83d"}`, `{"content":"\ud83dx"}`, `{"content":"\ude00\ud83d"}`,
	`{"content":"\ud83d\u0041"}`, `{"content":"\ud83d\ud83d\ude00"}`, `{"content":"\u"}`,
	`{"content":"\uzzzz"}`, `{"content":"\x"}`, "{\"content\":\"a\tb\"}", "{\"content\":\"\xff\xfe\"}",
	"{\"content\":\"\xe4\xb8\"}", "{\"content\":\"é\xc3\"}", `{"content":"0123456789abcdef0123456789"}`,
	`{"content":"01234567\"89"}`, `{"content":1}`, `{"content":null}`, `{"content":"unterminated}`,
	`{"author":{"id":1,"name":"alice","isBot":true,"bot":true}}`, `{"author":null}`, `{"author":5}`,
	`{"author":"alice"}`, `{"author":[]}`, `{"author":{"id":"x"}}`, `{"author":{"id":1},"author":{"name":"b"}}`,
	`{"timestamp":"2025-12-31T12:00:00Z"}`, `{"timestamp":"2025-12-31T12:00:00.123456789+08:00"}`,
	`{"timestamp":"yesterday"}`, `{"timestamp":null}`, `{"timestamp":5}`, `{"timestamp":"2025-12-31T12:00:00\u005a"}`,
	`{"mentions":[]}`, `{"mentions":null}`, `{"mentions":[1,null,3]}`, `{"mentions":[1,]}`, `{"mentions":[,1]}`,
	`{"mentions":[1 2]}`, `{"mentions":["1"]}`, `{"mentions":{}}`, `{"mentions":1}`,
	`{"x":{"a":[1,{"b":null}],"c":"\u00e9"},"y":[],"z":-1.5e-3}`, `{"x":}`, `{"x":[}`, `{"x":{]}`,
	`{"x":[1]]}`, `{"x":{"a"}}`, `{"x":{"a":1,}}`, `{"x":{1:2}}`, `{"\xff":1}`, `{"\u00e9":1}`,
	`{"Ñame":1}`, `{"na\u006De":"n"}`, `{"mentionRoles":[1],"mentionroles":[2]}`, `{"members\u017f":[]}`,
	`{"name":"a","name":null}`, "{\n\t\"id\" :\r 1 ,\"name\" : \"x\" }",
	`{"id":10,"members":[{"user":{"id":1}},null,{"roles":[1,2],"joinedAt":"2025-12-31T12:00:00Z","nick":"n"}]}`,
	`{"members":[{"user":{"id":"1"}}]}`, `{"channels":[{"id":5,"name":"general","nsfw":false}],"channels":[]}`,
	`{"members":{}}`, `{"members":[1]}`, `{"channels":[[]]}`,
	`{"bot":{"id":7,"botUser":{"id":70}},"subscribedGuilds":[10,11],"subscribedDMs":true,"availableEvents":["A",null,"B"]}`,
	`{"subscribedGuilds":null,"subscribedDMs":  {"a" : 1} }`, `{"availableEvents":[1]}`, `{"availableEvents":"A"}`,
}

// deepCases nest objects and arrays around encoding/json's limit of 10000
// levels. They are too large to seed the fuzz targets with.
var deepCases = []string{
	strings.Repeat(`{"x":`, 10001) + `1` + strings.Repeat(`}`, 10001),
	`{"x":` + strings.Repeat(`[`, 9999) + strings.Repeat(`]`, 9999) + `}`,
	`{"x":` + strings.Repeat(`[`, 10000) + strings.Repeat(`]`, 10000) + `}`,
}

// TestDecodeMatchesEncodingJSON runs decodeCases, deepCases and the sample
// events through the check of FuzzDecodeMatchesEncodingJSON.
func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, data := range decodeCases {
		checkAllAgainstReference(t, []byte(data))
	}
	for _, data := range deepCases {
		checkAllAgainstReference(t, []byte(data))
	}
	for _, data := range sampleEventData(t) {
		checkAllAgainstReference(t, data)
	}
}

// sampleEventData returns the data member of each sample in
// testdata/events.
func sampleEventData(tb testing.TB) [][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var samples [][]byte
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		var event Event
		if err := json.Unmarshal(body, &event); err != nil {
			tb.Fatalf("%s: %v", file, err)
		}
		samples = append(samples, event.Data)
	}
	return samples
}

// FuzzDecodeMatchesEncodingJSON checks the decoder against encoding/json
// and the reference decoder: both accept the same input and decode it to
// the same value.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, data := range decodeCases {
		f.Add([]byte(data))
	}
	for _, data := range sampleEventData(f) {
		f.Add(data)
	}
	f.Fuzz(checkAllAgainstReference)
}

// FuzzDecodeValid checks that the decoder accepts exactly the input that
// json.Valid accepts.
func FuzzDecodeValid(f *testing.F) {
	for _, data := range decodeCases {
		f.Add([]byte(data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := decoder{data: data}
		_, err := d.skipValue()
		have := err == nil && d.atEnd()
		if want := json.Valid(data); have != want {
			t.Fatalf("decoder accepts %q: %v, json.Valid: %v", data, have, want)
		}
	})
}

func TestDecodeIntegerLimits(t *testing.T) {
	tests := []struct {
		data string
		want int64
	}{
		{`0`, 0},
		{`-0`, 0},
		{`7`, 7},
		{`-7`, -7},
		{`1000000000000000000`, 1_000_000_000_000_000_000},
		{`9223372036854775807`, math.MaxInt64},
		{`-9223372036854775808`, math.MinInt64},
	}
	for _, tt := range tests {
		var have int64
		d := decoder{data: []byte(tt.data)}
		if err := d.decodeInt64(&have); err != nil {
			t.Errorf("decoding %s: %v", tt.data, err)
			continue
		}
		if have != tt.want {
			t.Errorf("decoding %s = %d, want %d", tt.data, have, tt.want)
		}
	}

	for _, data := range []string{`9223372036854775808`, `-9223372036854775809`, `99999999999999999999`, `1.5`, `1e2`} {
		var have int64
		d := decoder{data: []byte(data)}
		err := d.decodeInt64(&have)
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) || typeErr.Value != "number "+data {
			t.Errorf("decoding %s: error %v, want a type error for the number %s", data, err, data)
		}
	}
}

func TestDecodeTypeErrorNamesField(t *testing.T) {
	tests := []struct {
		data string
		want string
	}{
		{`{"id":"1"}`, "json: cannot unmarshal string into Go struct field MessageCreate.id of type int64"},
		{`{"author":{"id":true}}`, "json: cannot unmarshal bool into Go struct field MessageCreate.author.id of type int64"},
		{`{"author":[]}`, "json: cannot unmarshal array into Go struct field MessageCreate.author of type sdk.User"},
		{`{"msgType":1.5}`, "json: cannot unmarshal number 1.5 into Go struct field MessageCreate.msgType of type int"},
		{`{"mentions":[1,{}]}`, "json: cannot unmarshal object into Go struct field MessageCreate.mentions of type int64"},
		{`{"content":5}`, "json: cannot unmarshal number into Go struct field MessageCreate.content of type string"},
		{`5`, "json: cannot unmarshal number into Go value of type sdk.MessageCreate"},
	}
	for _, tt := range tests {
		err := decodeValue([]byte(tt.data), new(MessageCreate))
		if err == nil || err.Error() != tt.want {
			t.Errorf("decoding %s: error %v, want %q", tt.data, err, tt.want)
		}
	}
}

func TestDecodeSyntaxErrorIsEncodingJSONs(t *testing.T) {
	for _, data := range []string{`{"id":1`, `{"id":1}}`, `{"id":1,}`, `{"content":"a` + "\x01" + `"}`, `{"author":{"id":1 "x":2}}`} {
		var want MessageCreate
		wantErr := json.Unmarshal([]byte(data), &want)
		haveErr := decodeValue([]byte(data), new(MessageCreate))
		var syntaxErr *json.SyntaxError
		if !errors.As(haveErr, &syntaxErr) {
			t.Errorf("decoding %s: error %v, want a *json.SyntaxError", data, haveErr)
			continue
		}
		if haveErr.Error() != wantErr.Error() || syntaxErr.Offset != wantErr.(*json.SyntaxError).Offset {
			t.Errorf("decoding %s: error %v, want %v", data, haveErr, wantErr)
		}
	}
}

func TestDecodeNullElementKeepsBackingArray(t *testing.T) {
	backing := []int64{1, 2, 3}
	m := MessageCreate{Mentions: backing[:1]}
	if err := decodeValue([]byte(`{"mentions":[null,null,5]}`), &m); err != nil {
		t.Fatal(err)
	}
	// encoding/json gives the same: within the capacity a null element
	// keeps what the backing array holds.
	if want := []int64{1, 2, 5}; !reflect.DeepEqual(m.Mentions, want) {
		t.Errorf("Mentions = %v, want %v", m.Mentions, want)
	}
}

func TestParseTimeUTC(t *testing.T) {
	accepted := []string{
		`"2025-12-31T12:00:00Z"`, `"2025-12-28T23:59:59Z"`, `"0000-01-01T00:00:00Z"`, `"9999-12-31T00:00:00Z"`,
		`"2025-02-28T12:00:00.1Z"`, `"2025-12-01T12:00:00.123Z"`, `"2025-12-01T12:00:00.123456789Z"`,
		`"2024-02-29T12:00:00Z"`, `"2000-02-29T12:00:00Z"`, `"2025-04-30T12:00:00Z"`, `"2025-07-31T12:00:00Z"`,
	}
	for _, value := range accepted {
		have, ok := parseTimeUTC([]byte(value))
		if !ok {
			t.Errorf("parseTimeUTC(%s) rejected the time", value)
			continue
		}
		var want time.Time
		if err := want.UnmarshalJSON([]byte(value)); err != nil {
			t.Fatal(err)
		}
		if have != want {
			t.Errorf("parseTimeUTC(%s) = %v, want %v", value, have, want)
		}
	}

	// Each of these is invalid, or of a form that parseTimeUTC leaves to
	// time.Time's UnmarshalJSON.
	rejected := []string{
		`"2025-02-29T12:00:00Z"`, `"1900-02-29T12:00:00Z"`, `"2025-04-31T12:00:00Z"`, `"2025-12-32T12:00:00Z"`,
		`"2025-12-31T12:00:00+08:00"`, `"2025-12-31T12:00:00z"`,
		`"2025-12-31t12:00:00Z"`, `"2025-13-01T12:00:00Z"`, `"2025-00-01T12:00:00Z"`, `"2025-12-00T12:00:00Z"`,
		`"2025-12-01T24:00:00Z"`, `"2025-12-01T12:60:00Z"`, `"2025-12-01T12:00:60Z"`, `"2025-12-01T12:00:00.Z"`,
		`"2025-12-01T12:00:00.1234567890Z"`, `"2025-12-01T12:00:00,1Z"`, `"2025-12-01T12:00:00.1aZ"`,
		`"2025/12/01T12:00:00Z"`, `"2025-12-01 12:00:00Z"`, `"2025-12-01T12:00:0Z"`, `"2025-1a-01T12:00:00Z"`,
		`"2025-12-01T12:00:00\u005a"`, `"20251201T120000Z"`, `2025`, `null`, `""`,
	}
	for _, value := range rejected {
		if have, ok := parseTimeUTC([]byte(value)); ok {
			t.Errorf("parseTimeUTC(%s) = %v, want it left to UnmarshalJSON", value, have)
		}
	}
}

// FuzzParseTimeUTC checks that a time parseTimeUTC accepts is the time
// that time.Time's UnmarshalJSON returns.
func FuzzParseTimeUTC(f *testing.F) {
	f.Add([]byte(`"2025-12-31T12:00:00Z"`))
	f.Add([]byte(`"2025-12-01T12:00:00.123456789Z"`))
	f.Fuzz(func(t *testing.T, value []byte) {
		have, ok := parseTimeUTC(value)
		if !ok {
			return
		}
		var want time.Time
		if err := want.UnmarshalJSON(value); err != nil {
			t.Fatalf("parseTimeUTC(%s) accepted a time that UnmarshalJSON rejects: %v", value, err)
		}
		if have != want {
			t.Fatalf("parseTimeUTC(%s) = %v, want %v", value, have, want)
		}
	})
}

// FuzzReadDigits checks readDigits against strconv.ParseUint on runs of up
// to 19 digits, at every position relative to the end of the input.
func FuzzReadDigits(f *testing.F) {
	f.Add("1001", "}")
	f.Add("1234567890123456789", "")
	f.Add("0", "x:9")
	f.Add("99999999", "/")
	f.Fuzz(func(t *testing.T, digits, after string) {
		if len(digits) > 19 || strings.ContainsFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) ||
			len(after) > 0 && '0' <= after[0] && after[0] <= '9' {
			return
		}
		want, err := strconv.ParseUint("0"+digits, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		data := []byte(digits + after)
		value, end := readDigits(data, 0)
		if end != len(digits) || value != want {
			t.Fatalf("readDigits(%q) = %d, %d, want %d, %d", data, value, end, want, len(digits))
		}
	})
}

// FuzzGuildRoundTrip checks that a guild that decodes encodes again, with
// its unknown members, and decodes to the same value.
func FuzzGuildRoundTrip(f *testing.F) {
	f.Add([]byte(`{"id":10,"name":"My Server","ownerId":1,"channels":[{"id":5,"name":"general","nsfw":false}],"members":[{"user":{"id":1,"name":"owner","x":[]}}],"icon":"i.png"}`))
	f.Add([]byte(`{"ID":1,"NAME":"n","\u00e9":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var first Guild
		if json.Unmarshal(data, &first) != nil {
			return
		}
		encoded, err := json.Marshal(first)
		if err != nil {
			t.Fatalf("encoding %+v decoded from %s: %v", first, data, err)
		}
		var second Guild
		if err := json.Unmarshal(encoded, &second); err != nil {
			t.Fatalf("decoding %s: %v", encoded, err)
		}
		again, err := json.Marshal(second)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(encoded, again) {
			t.Errorf("round trip changed the guild\nfirst  %s\nsecond %s", encoded, again)
		}
	})
}
