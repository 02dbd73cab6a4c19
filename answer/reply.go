package answer

// What a reply offers besides its text: the entries to pick from or to
// read next, the booking link, a call back from the clinic team, and
// whether it is sure. Transports ask the reply instead of switching on its
// kind, so a new kind is described once, here, and a kind left out of
// kindOffers fails TestEveryKindOffers instead of silently showing nothing.

// offer is what replies of one kind show besides their text.
type offer struct {
	picks    bool // Choices are what the patient is asked to pick from
	related  bool // Related are offered to read next
	booking  bool // BookingURL is shown, when the reply has one
	callBack bool // a call back may be offered (an answer: when its entry offers booking)
	unsure   bool // the core could not answer surely
	urgent   bool // emergency advice, sent before anything else
}

// kindOffers says, for every kind, what its replies offer.
var kindOffers = map[Kind]offer{
	KindAnswer:    {related: true, booking: true, callBack: true},
	KindChoices:   {picks: true, unsure: true},
	KindFallback:  {booking: true, callBack: true, unsure: true},
	KindSmalltalk: {booking: true},
	KindLanguage:  {booking: true},
	KindUrgent:    {urgent: true},
}

// Picks are the entries a "did you mean" asks the patient to pick from;
// nil for any other reply.
func (r Reply) Picks() []Choice {
	if kindOffers[r.Kind].picks {
		return r.Choices
	}
	return nil
}

// FollowUps are the related questions offered under an answer, to read
// next; nil for any other reply.
func (r Reply) FollowUps() []Choice {
	if kindOffers[r.Kind].related {
		return r.Related
	}
	return nil
}

// BookingLink is the booking link to show with the reply (a button, a
// line), "" for none. Emergency advice never carries one.
func (r Reply) BookingLink() string {
	if kindOffers[r.Kind].booking {
		return r.BookingURL
	}
	return ""
}

// OffersCallBack reports whether the reply may offer a call back from the
// clinic team: an answer whose entry offers booking, or the honest "I
// don't know" that points to the team.
func (r Reply) OffersCallBack() bool {
	if !kindOffers[r.Kind].callBack {
		return false
	}
	if r.Kind == KindAnswer {
		return r.Entry != nil && r.Entry.Booking
	}
	return true
}

// Unsure reports whether the core could not answer surely (the fallback,
// or a "did you mean"): the question is worth adding to the knowledge.
func (r Reply) Unsure() bool { return kindOffers[r.Kind].unsure }

// Urgent reports whether the reply is emergency advice, to be sent at
// once, ahead of anything else.
func (r Reply) Urgent() bool { return kindOffers[r.Kind].urgent }
