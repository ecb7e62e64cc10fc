package partnergraph

import (
	"fmt"
	"io"
	"strconv"
)

// The enums marshal themselves for GraphQL (gqlgen's Marshaler and Unmarshaler method sets,
// which need no import), so that the API binds the domain types directly.

func unmarshalEnum[T ~string](v any, valid ...T) (T, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("enum must be a string, not %T", v)
	}
	for _, x := range valid {
		if T(s) == x {
			return x, nil
		}
	}
	return "", fmt.Errorf("%q is not a valid value", s)
}

func marshalEnum[T ~string](w io.Writer, v T) { io.WriteString(w, strconv.Quote(string(v))) }

// MarshalGQL implements graphql.Marshaler.
func (s BusinessStatus) MarshalGQL(w io.Writer) { marshalEnum(w, s) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *BusinessStatus) UnmarshalGQL(v any) (err error) {
	*s, err = unmarshalEnum(v, BusinessPending, BusinessActive, BusinessSuspended)
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (v Visibility) MarshalGQL(w io.Writer) { marshalEnum(w, v) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (v *Visibility) UnmarshalGQL(x any) (err error) {
	*v, err = unmarshalEnum(x, Public, Private)
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (r MemberRole) MarshalGQL(w io.Writer) { marshalEnum(w, r) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (r *MemberRole) UnmarshalGQL(v any) (err error) {
	*r, err = unmarshalEnum(v, RoleMember, RoleOrganizer)
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (s Source) MarshalGQL(w io.Writer) { marshalEnum(w, s) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *Source) UnmarshalGQL(v any) (err error) {
	*s, err = unmarshalEnum(v, SourceCurated, SourceLearned, SourceMember, SourceAdmin, SourceOutcome)
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (d Direction) MarshalGQL(w io.Writer) { marshalEnum(w, d) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (d *Direction) UnmarshalGQL(v any) (err error) {
	*d, err = unmarshalEnum(v, Outgoing, Incoming)
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (t FeeType) MarshalGQL(w io.Writer) { marshalEnum(w, t) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (t *FeeType) UnmarshalGQL(v any) (err error) {
	*t, err = unmarshalEnum(v, FeeFlat, FeePercent)
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (s PartnershipStatus) MarshalGQL(w io.Writer) { marshalEnum(w, s) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *PartnershipStatus) UnmarshalGQL(v any) (err error) {
	*s, err = unmarshalEnum(v, PartnershipProposed, PartnershipActive, PartnershipDeclined, PartnershipEnded)
	return err
}
