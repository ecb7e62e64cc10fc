package sqlitestore

import (
	"encoding/json"
	"fmt"
)

// jsonStrings scans a JSON array of strings (from json_group_array) into a slice; an empty
// array becomes nil, so that exports omit it.
type jsonStrings []string

func (j *jsonStrings) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	case nil:
		*j = nil
		return nil
	default:
		return fmt.Errorf("jsonStrings: cannot scan %T", src)
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	if len(out) == 0 {
		out = nil
	}
	*j = out
	return nil
}
