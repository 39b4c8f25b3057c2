package signature

import (
	"math"
	"strconv"
)

// appendNumber appends f as JSON.stringify writes a number: null for
// infinities and NaN, otherwise ECMAScript's Number::toString(f) in radix
// 10 (ECMA-262, section Number::toString).
func appendNumber(dst []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return append(dst, "null"...)
	}
	if f == 0 {
		return append(dst, '0') // both +0 and -0
	}
	if f < 0 {
		dst = append(dst, '-')
		f = -f
	}

	// FormatFloat's shortest form "d.ddde±x" gives the digits s and the
	// exponent. In the standard's terms, s has k digits and f = s × 10^(n-k).
	var buf [32]byte
	formatted := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	var digitBuf [17]byte
	digits := digitBuf[:0]
	i := 0
	for ; formatted[i] != 'e'; i++ {
		if formatted[i] != '.' {
			digits = append(digits, formatted[i])
		}
	}
	exponent := 0
	for _, c := range formatted[i+2:] { // skip 'e' and the sign
		exponent = exponent*10 + int(c-'0')
	}
	if formatted[i+1] == '-' {
		exponent = -exponent
	}
	k := len(digits)
	n := exponent + 1

	switch {
	case k <= n && n <= 21:
		// An integer below 10^21: the digits, then n-k zeros.
		dst = append(dst, digits...)
		for range n - k {
			dst = append(dst, '0')
		}
	case 0 < n && n <= 21:
		// A decimal point within the digits.
		dst = append(dst, digits[:n]...)
		dst = append(dst, '.')
		dst = append(dst, digits[n:]...)
	case -6 < n && n <= 0:
		// A small fraction: "0.", -n zeros, then the digits.
		dst = append(dst, '0', '.')
		for range -n {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	default:
		// Exponential notation, with an explicit sign on the exponent.
		dst = append(dst, digits[0])
		if k > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if n-1 >= 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(n-1), 10)
	}
	return dst
}
