package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/partnergraph/partnergraph/auth"
)

// TestServersAgreeOnHealth: leads submitted through A, B and C show in networkHealth asked of
// any of them, and the three answers are the same: the health is read from the store, not
// from what each server saw.
func TestServersAgreeOnHealth(t *testing.T) {
	eachStore(t, func(t *testing.T, st testStore) {
		st.prepare(t, nil)
		srv := startServers(t, st, servers)
		dave, admin := st.token(t, "user-dave", auth.Member), st.token(t, "root", auth.Admin)
		const perServer = 2
		for i, s := range srv {
			for k := range perServer {
				if _, _, err := submit(http.DefaultClient, s.base+"/graphql", dave, fmt.Sprintf("health-%s-%d", servers[i], k)); err != nil {
					t.Fatal(err)
				}
			}
		}
		now := time.Now().UTC()
		vars := map[string]any{"from": now.Add(-time.Hour), "to": now.Add(time.Hour), "bucket": "HOUR", "top": 5}
		const q = `query($from: Time!, $to: Time!, $bucket: HealthBucket, $top: Int) { networkHealth(from: $from, to: $to, bucket: $bucket, top: $top) {
			leads { start total } offers { made } topReferrers { business { name } leads } routingFailures { kind count } } }`
		var answers []any
		for i, s := range srv {
			var got struct {
				Data struct {
					NetworkHealth struct {
						Leads []struct {
							Start time.Time
							Total int
						}
						Offers       struct{ Made int }
						TopReferrers []struct {
							Business struct{ Name string }
							Leads    int
						}
						RoutingFailures []struct {
							Kind  string
							Count int
						}
					}
				}
				Errors []any
			}
			if err := json.Unmarshal(post(t, s.base, admin, q, vars), &got); err != nil || len(got.Errors) > 0 {
				t.Fatalf("server %s: %v %v", servers[i], err, got.Errors)
			}
			h := got.Data.NetworkHealth
			total := 0
			for _, l := range h.Leads {
				total += l.Total
			}
			if total != perServer*len(srv) || len(h.TopReferrers) == 0 || h.TopReferrers[0].Business.Name != "Dave's Collision" || h.TopReferrers[0].Leads != total {
				t.Errorf("server %s: %d leads, referrers %+v; want %d, all Dave's", servers[i], total, h.TopReferrers, perServer*len(srv))
			}
			answers = append(answers, h)
		}
		for i := range answers {
			if !reflect.DeepEqual(answers[i], answers[0]) {
				t.Errorf("server %s answered %+v, A %+v", servers[i], answers[i], answers[0])
			}
		}
	})
}
