package partnergraph

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// Money is kept in minor units (cents) of its currency, never in floats.

// CurrencyExponent is the number of decimal places of an ISO 4217 currency code: 0 for the
// yen and its like, 3 for the Gulf dinars, 2 for the rest.
func CurrencyExponent(currency string) int {
	switch currency {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	}
	return 2
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// ValidCurrency returns EINVALID unless s is three upper-case letters.
func ValidCurrency(s string) error {
	if !currencyRE.MatchString(s) {
		return Invalidf("", "must be an ISO 4217 code such as \"USD\"")
	}
	return nil
}

var decimalRE = regexp.MustCompile(`^[0-9]{1,15}(\.[0-9]{1,6})?$`)

// ParseAmount parses a non-negative decimal string such as "25.50" into minor units of the
// currency. More decimals than the currency has are EINVALID, not rounded.
func ParseAmount(s, currency string) (int64, error) {
	if !decimalRE.MatchString(s) {
		return 0, Invalidf("", "must be a non-negative decimal such as \"25.00\"")
	}
	exp := CurrencyExponent(currency)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > exp {
		return 0, Invalidf("", "has more than %d decimal places for %s", exp, currency)
	}
	frac += strings.Repeat("0", exp-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, Invalidf("", "is too large")
	}
	return n, nil
}

// FormatAmount formats minor units of the currency as a decimal string such as "25.50".
func FormatAmount(minor int64, currency string) string {
	exp := CurrencyExponent(currency)
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := strconv.FormatInt(minor, 10)
	if exp == 0 {
		return sign + s
	}
	if len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	return sign + s[:len(s)-exp] + "." + s[len(s)-exp:]
}

// ParsePercent parses a percentage such as "10" or "12.5" into basis points (1/100 of a
// percent); it must lie in (0, 100].
func ParsePercent(s string) (int64, error) {
	if !decimalRE.MatchString(s) {
		return 0, Invalidf("", "must be a decimal percentage such as \"10\" or \"12.5\"")
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, Invalidf("", "must have at most 2 decimal places")
	}
	frac += strings.Repeat("0", 2-len(frac))
	bp, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || bp <= 0 || bp > 10000 {
		return 0, Invalidf("", "must be greater than 0 and at most 100")
	}
	return bp, nil
}

// FormatPercent formats basis points as a percentage string without trailing zeros.
func FormatPercent(bp int64) string {
	s := strconv.FormatInt(bp/100, 10)
	if f := bp % 100; f != 0 {
		s += "." + strings.TrimRight(strconv.FormatInt(100+f, 10)[1:], "0")
	}
	return s
}

// PercentOf returns bp basis points of minor, rounded half to even (banker's rounding), in
// exact integer arithmetic.
func PercentOf(minor, bp int64) int64 {
	r := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(minor), big.NewInt(bp)), big.NewInt(10000))
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	twice := new(big.Int).Mul(m, big.NewInt(2))
	switch twice.Cmp(r.Denom()) {
	case 1:
		q.Add(q, big.NewInt(1))
	case 0:
		if q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}
