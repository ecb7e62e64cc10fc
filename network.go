package partnergraph

import "time"

// Visibility says who sees a network in the directory.
type Visibility string

// Visibilities. A PRIVATE network is listed only to its members and admins.
const (
	Public  Visibility = "PUBLIC"
	Private Visibility = "PRIVATE"
)

// Network is a group of businesses: a chamber of commerce, a trade guild, a referral club.
type Network struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Region     string     `json:"region,omitempty"`
	Visibility Visibility `json:"visibility"`
	CreatedAt  time.Time  `json:"createdAt"`
}

// Validate fills a missing visibility with PUBLIC and returns EINVALID naming the field at fault.
func (n *Network) Validate() error {
	if n.ID != "" {
		if err := CheckID("id", n.ID); err != nil {
			return err
		}
	}
	if err := checkText("name", n.Name, 1, 120); err != nil {
		return err
	}
	if err := checkText("region", n.Region, 0, 120); err != nil {
		return err
	}
	if n.Visibility == "" {
		n.Visibility = Public
	}
	if n.Visibility != Public && n.Visibility != Private {
		return Invalidf("visibility", "must be PUBLIC or PRIVATE")
	}
	return nil
}

// Prepare validates n (EINVALID naming the field; n keeps Validate's defaults) and returns the
// copy that a store creates, as Business.Prepare does.
func (n *Network) Prepare(now time.Time) (Network, error) {
	if err := n.Validate(); err != nil {
		return Network{}, err
	}
	nn := *n
	stampNew(&nn.ID, &nn.CreatedAt, now)
	return nn, nil
}

// MemberRole is a business's role in a network.
type MemberRole string

// Member roles. The business that creates a network is its ORGANIZER.
const (
	RoleMember    MemberRole = "MEMBER"
	RoleOrganizer MemberRole = "ORGANIZER"
)

// Membership says that a business belongs to a network.
type Membership struct {
	BusinessID string     `json:"businessId"`
	NetworkID  string     `json:"networkId"`
	Role       MemberRole `json:"role"`
	Since      time.Time  `json:"since"`
}

// Validate fills a missing role with MEMBER and returns EINVALID naming the field at fault.
func (m *Membership) Validate() error {
	if !ValidID(m.BusinessID) {
		return Invalidf("businessId", "must be a business id")
	}
	if !ValidID(m.NetworkID) {
		return Invalidf("networkId", "must be a network id")
	}
	if m.Role == "" {
		m.Role = RoleMember
	}
	if m.Role != RoleMember && m.Role != RoleOrganizer {
		return Invalidf("role", "must be MEMBER or ORGANIZER")
	}
	return nil
}
