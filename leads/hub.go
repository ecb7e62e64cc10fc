package leads

import "sync"

// Hub wakes the subscribers of a feed (a business's inbox, a referrer's lead events) when
// something was written to it. It carries no data: a woken subscriber re-reads the store from
// its cursor, so a missed or merged wake-up loses nothing.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[chan struct{}]struct{}{}} }

// Subscribe returns a channel that receives a value after each Notify of the key (wake-ups
// merge while the subscriber is busy), and a function that ends the subscription.
func (h *Hub) Subscribe(key string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[key] == nil {
		h.subs[key] = map[chan struct{}]struct{}{}
	}
	h.subs[key][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs[key], ch)
		if len(h.subs[key]) == 0 {
			delete(h.subs, key)
		}
	}
}

// Notify wakes every subscriber of the key without blocking.
func (h *Hub) Notify(key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[key] {
		select {
		case ch <- struct{}{}:
		default: // a wake-up is already pending
		}
	}
}

// NotifyAll wakes every subscriber, of every key: after the server missed what other servers
// wrote (its change feed was trimmed past it), each re-reads its feed from its cursor.
func (h *Hub) NotifyAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, subs := range h.subs {
		for ch := range subs {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

// Feed keys: a business's inbox of offers, and a referrer's lead events.
func inboxKey(businessID string) string  { return "inbox:" + businessID }
func eventsKey(businessID string) string { return "events:" + businessID }
