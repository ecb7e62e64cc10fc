package partnergraph_test

import (
	"testing"

	"github.com/partnergraph/partnergraph"
)

func TestParseAndFormatAmount(t *testing.T) {
	cases := []struct {
		in, currency string
		minor        int64
		out          string
		bad          bool
	}{
		{"150", "USD", 15000, "150.00", false},
		{"150.5", "USD", 15050, "150.50", false},
		{"0.01", "EUR", 1, "0.01", false},
		{"1200", "JPY", 1200, "1200", false},
		{"1.5", "JPY", 0, "", true},   // the yen has no minor unit
		{"1.005", "USD", 0, "", true}, // more decimals than the currency: refused, not rounded
		{"1.234", "KWD", 1234, "1.234", false},
		{"-5", "USD", 0, "", true},
		{"1e3", "USD", 0, "", true},
		{"", "USD", 0, "", true},
	}
	for _, c := range cases {
		got, err := partnergraph.ParseAmount(c.in, c.currency)
		if c.bad {
			if partnergraph.ErrorCode(err) != partnergraph.EINVALID {
				t.Errorf("ParseAmount(%q, %s) = %d, %v; want BAD_USER_INPUT", c.in, c.currency, got, err)
			}
			continue
		}
		if err != nil || got != c.minor {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", c.in, c.currency, got, err, c.minor)
		}
		if s := partnergraph.FormatAmount(got, c.currency); s != c.out {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", got, c.currency, s, c.out)
		}
	}
	if s := partnergraph.FormatAmount(5, "USD"); s != "0.05" {
		t.Errorf("FormatAmount(5) = %q", s)
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		in string
		bp int64
	}{{"10", 1000}, {"12.5", 1250}, {"0.01", 1}, {"100", 10000}} {
		got, err := partnergraph.ParsePercent(c.in)
		if err != nil || got != c.bp {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d", c.in, got, err, c.bp)
		}
		if s := partnergraph.FormatPercent(got); s != c.in {
			t.Errorf("FormatPercent(%d) = %q, want %q", got, s, c.in)
		}
	}
	for _, bad := range []string{"0", "100.01", "12.345", "ten"} {
		if _, err := partnergraph.ParsePercent(bad); err == nil {
			t.Errorf("ParsePercent(%q) accepted", bad)
		}
	}
}

func TestPercentOfRoundsHalfToEven(t *testing.T) {
	cases := []struct{ minor, bp, want int64 }{
		{123456, 1000, 12346}, // 12345.6 → up
		{123454, 1000, 12345}, // 12345.4 → down
		{125, 1000, 12},       // 12.5 → the even 12
		{135, 1000, 14},       // 13.5 → the even 14
		{100, 1250, 12},       // 12.5 → 12
		{0, 1000, 0},
		{999999999999, 10000, 999999999999},
	}
	for _, c := range cases {
		if got := partnergraph.PercentOf(c.minor, c.bp); got != c.want {
			t.Errorf("PercentOf(%d, %d bp) = %d, want %d", c.minor, c.bp, got, c.want)
		}
	}
	flat := partnergraph.FeeTerms{Type: partnergraph.FeeFlat, AmountMinor: 15000, Currency: "USD"}
	if got := flat.Fee(999999); got != 15000 {
		t.Errorf("a FLAT fee depends on the value: %d", got)
	}
}
