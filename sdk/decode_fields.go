package sdk

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"reflect"
	"time"
)

// The decoder's methods for each Go type of an event struct field. Each
// decodes the JSON value at d.pos as encoding/json decodes it into a field
// of that type.

func (d *decoder) decodeString(dst *string) error {
	switch d.next() {
	case '"':
		s, err := d.readString()
		if err != nil {
			return err
		}
		*dst = s
		return nil
	case 'n':
		return d.literal("null")
	}
	return d.typeError(stringType)
}

func (d *decoder) decodeBool(dst *bool) error {
	switch d.next() {
	case 't':
		if err := d.literal("true"); err != nil {
			return err
		}
		*dst = true
		return nil
	case 'f':
		if err := d.literal("false"); err != nil {
			return err
		}
		*dst = false
		return nil
	case 'n':
		return d.literal("null")
	}
	return d.typeError(boolType)
}

func (d *decoder) decodeInt64(dst *int64) error {
	n, null, err := d.readInteger(int64Type, math.MinInt64, math.MaxInt64)
	if err == nil && !null {
		*dst = n
	}
	return err
}

func (d *decoder) decodeInt(dst *int) error {
	n, null, err := d.readInteger(intType, math.MinInt, math.MaxInt)
	if err == nil && !null {
		*dst = int(n)
	}
	return err
}

// readInteger reads a JSON number that is an integer from min to max, for
// a field of the Go type t, or null.
func (d *decoder) readInteger(t reflect.Type, min, max int64) (n int64, null bool, err error) {
	switch c := d.next(); {
	case c == '-' || '0' <= c && c <= '9':
		start := d.pos
		n, isInt, err := d.scanNumber()
		if err != nil {
			return 0, false, err
		}
		if !isInt || n < min || n > max {
			return 0, false, &json.UnmarshalTypeError{Value: "number " + string(d.data[start:d.pos]), Type: t, Offset: int64(start)}
		}
		return n, false, nil
	case c == 'n':
		return 0, true, d.literal("null")
	}
	return 0, false, d.typeError(t)
}

// decodeTime decodes a JSON string into *dst as time.Time's UnmarshalJSON
// method does, which is what encoding/json calls. A time in the form that
// parseTimeUTC reads skips that method, which costs more than twice as much
// in a WebAssembly guest.
func (d *decoder) decodeTime(dst *time.Time) error {
	value, err := d.skipValue()
	if err != nil {
		return err
	}
	if t, ok := parseTimeUTC(value); ok {
		*dst = t
		return nil
	}
	return dst.UnmarshalJSON(value)
}

// Words for checking the first 19 bytes of an RFC 3339 time, such as
// "2025-12-31T12:00:00", 8 bytes at a time. timeTemplate XORed with the
// bytes gives digit values in the digit positions and zeros in the
// separator positions. Adding timeLimits then sets the high bit of a byte
// that is over its limit: 9 for a digit and 0 for a separator.
var (
	timeTemplate = [3]uint64{
		binary.LittleEndian.Uint64([]byte("0000-00-")),
		binary.LittleEndian.Uint64([]byte("00T00:00")),
		binary.LittleEndian.Uint64([]byte(":00\x00\x00\x00\x00\x00")),
	}
	timeLimits = [3]uint64{
		0x7f_76_76_7f_76_76_76_76,
		0x76_76_7f_76_76_7f_76_76,
		0x00_00_00_00_00_76_76_7f,
	}
)

// parseTimeUTC parses s, a JSON string, as an RFC 3339 time in UTC with a
// fraction of a second of at most 9 digits, such as "2025-12-31T12:00:00Z"
// or "2025-12-31T12:00:00.123Z". It returns false for any other string,
// including a valid time of another form, and then the caller uses
// time.Time's UnmarshalJSON. For the strings it accepts, the result is what
// that method returns.
func parseTimeUTC(s []byte) (time.Time, bool) {
	if len(s) < len(`"2006-01-02T15:04:05Z"`) || s[0] != '"' || s[len(s)-2] != 'Z' || s[len(s)-1] != '"' {
		return time.Time{}, false
	}
	s = s[1 : len(s)-2]
	var padded [24]byte
	copy(padded[:], s[:19])

	// v holds the value of each digit, and over has the high bit set in
	// each byte that is not the expected digit or separator. A carry out of
	// a byte over its limit can set a high bit in the next byte too, which
	// only rejects a valid time.
	v0 := binary.LittleEndian.Uint64(padded[0:]) ^ timeTemplate[0]
	v1 := binary.LittleEndian.Uint64(padded[8:]) ^ timeTemplate[1]
	v2 := binary.LittleEndian.Uint64(padded[16:]) ^ timeTemplate[2]
	over := v0 | (v0 + timeLimits[0]) | v1 | (v1 + timeLimits[1]) | v2 | (v2 + timeLimits[2])
	if over&highBits != 0 {
		return time.Time{}, false
	}

	// Bytes 0 to 7 are "YYYY-MM-", 8 to 15 "DDTHH:MM" and 16 to 18 ":SS".
	year := int(v0&0xff)*1000 + int(v0>>8&0xff)*100 + int(v0>>16&0xff)*10 + int(v0>>24&0xff)
	month := int(v0>>40&0xff)*10 + int(v0>>48&0xff)
	day := int(v1&0xff)*10 + int(v1>>8&0xff)
	hour := int(v1>>24&0xff)*10 + int(v1>>32&0xff)
	minute := int(v1>>48&0xff)*10 + int(v1>>56&0xff)
	second := int(v2>>8&0xff)*10 + int(v2>>16&0xff)
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}

	// The fraction is a '.' and 1 to 9 digits.
	nanosecond := 0
	if fraction := s[19:]; len(fraction) > 0 {
		if len(fraction) < 2 || len(fraction) > 10 || fraction[0] != '.' {
			return time.Time{}, false
		}
		for _, c := range fraction[1:] {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			nanosecond = nanosecond*10 + int(c-'0')
		}
		for range 10 - len(fraction) {
			nanosecond *= 10
		}
	}
	return time.Date(year, time.Month(month), day, hour, minute, second, nanosecond, time.UTC), true
}

// daysPerMonth lists the days of each month of a year that is not a leap
// year, from January.
var daysPerMonth = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// daysIn returns the number of days in month, from 1 to 12, of year in the
// Gregorian calendar.
func daysIn(month, year int) int {
	if month == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		return 29
	}
	return daysPerMonth[month-1]
}

// decodeRaw stores a copy of the JSON value at d.pos, including null, in
// *dst.
func (d *decoder) decodeRaw(dst *json.RawMessage) error {
	value, err := d.skipValue()
	if err != nil {
		return err
	}
	*dst = append((*dst)[:0], value...)
	return nil
}

// decodeInt64s decodes a JSON array of integers. As in encoding/json, null
// sets *dst to nil, an empty array to an empty slice, and a null element
// leaves what the backing array holds at its index.
func (d *decoder) decodeInt64s(dst *[]int64) error {
	switch d.next() {
	case '[':
	case 'n':
		*dst = nil
		return d.literal("null")
	default:
		return d.typeError(int64sType)
	}
	s := (*dst)[:0]
	err := d.decodeArray(func() error {
		s = growSlice(s)
		return d.decodeInt64(&s[len(s)-1])
	})
	*dst = nonNil(s)
	return err
}

// decodeStrings decodes a JSON array of strings, as decodeInt64s decodes
// integers.
func (d *decoder) decodeStrings(dst *[]string) error {
	switch d.next() {
	case '[':
	case 'n':
		*dst = nil
		return d.literal("null")
	default:
		return d.typeError(stringsType)
	}
	s := (*dst)[:0]
	err := d.decodeArray(func() error {
		s = growSlice(s)
		return d.decodeString(&s[len(s)-1])
	})
	*dst = nonNil(s)
	return err
}

// decodeStructs decodes a JSON array of objects into *dst, as decodeInt64s
// decodes integers. An element within the old length or capacity is
// decoded into, so it keeps the fields its object leaves out, as in
// encoding/json.
func decodeStructs[T any, P interface {
	*T
	valueDecoder
}](d *decoder, dst *[]T) error {
	switch d.next() {
	case '[':
	case 'n':
		*dst = nil
		return d.literal("null")
	default:
		return d.typeError(reflect.TypeFor[[]T]())
	}
	s := (*dst)[:0]
	err := d.decodeArray(func() error {
		s = growSlice(s)
		return P(&s[len(s)-1]).decode(d)
	})
	*dst = nonNil(s)
	return err
}

// growSlice extends s by one element as encoding/json does: within the
// capacity, the new element is what the backing array holds, and beyond it
// the zero value.
func growSlice[T any](s []T) []T {
	if len(s) < cap(s) {
		return s[:len(s)+1]
	}
	var zero T
	return append(s, zero)
}

// nonNil returns s, or an empty slice when s is nil, because encoding/json
// decodes an empty JSON array to an empty slice.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
