package answer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/clinicbot/clinicbot/index"
)

// smalltalkKind is what a message that asks nothing of the knowledge is:
// the things a receptionist answers in a word.
type smalltalkKind int

// The word kinds are ordered: in a message of several, the later wins
// ("ok thanks" is thanks, "hi, bye" goodbye).
const (
	ack      smalltalkKind = iota // "ok", "cool", "great"
	greeting                      // "hi", "good morning"
	thanks                        // "thanks"
	goodbye                       // "bye"

	// Phrase kinds, recognised as a whole message (see smalltalkPatterns).
	pondering  // "hmm"
	puzzled    // "?", "huh?", "I don't understand"
	robot      // "are you a robot?", "is this a real person?"
	identity   // "who are you?"
	capability // "what can you do?"
	human      // "can I speak to a human?"
	complaint  // "you're useless"
)

// smalltalkWords are the words a message may consist of, and nothing else,
// to count as small talk. A greeting with a question ("hi, does it hurt?")
// is a question.
var smalltalkWords = map[string]smalltalkKind{
	"hi": greeting, "hello": greeting, "hey": greeting, "hiya": greeting, "heya": greeting,
	"morning": greeting, "afternoon": greeting, "evening": greeting, "greetings": greeting,
	"howdy": greeting, "yo": greeting, "start": greeting,
	"thanks": thanks, "thank": thanks, "thx": thanks, "ty": thanks, "cheers": thanks, "ta": thanks,
	"appreciated": thanks, "appreciate": thanks, "helpful": thanks,
	"bye": goodbye, "goodbye": goodbye, "byebye": goodbye, "cya": goodbye, "later": goodbye, "night": goodbye,
	"ok": ack, "okay": ack, "okey": ack, "k": ack, "kk": ack, "cool": ack, "great": ack, "alright": ack,
	"good": ack, "fine": ack, "nice": ack, "lovely": ack, "brilliant": ack, "perfect": ack, "awesome": ack,
	"excellent": ack, "wonderful": ack, "understood": ack, "noted": ack, "gotcha": ack, "fab": ack,
}

// smalltalkPhrases are small talk made of words that are not small talk
// alone ("how are you" has no greeting word).
var smalltalkPhrases = []struct {
	words []string
	kind  smalltalkKind
}{
	{[]string{"have", "a", "good", "day"}, goodbye},
	{[]string{"have", "a", "nice", "day"}, goodbye},
	{[]string{"how", "are", "you"}, greeting},
	{[]string{"how", "r", "u"}, greeting},
	{[]string{"good", "day"}, greeting},
	{[]string{"that", "s", "all"}, goodbye},
	{[]string{"thats", "all"}, goodbye},
	{[]string{"take", "care"}, goodbye},
	{[]string{"all", "i", "needed"}, goodbye},
	{[]string{"got", "it"}, ack},
	{[]string{"i", "see"}, ack},
	{[]string{"fair", "enough"}, ack},
	{[]string{"sounds", "good"}, ack},
	{[]string{"makes", "sense"}, ack},
}

// fillers may stand beside small-talk words without making a question.
var fillers = map[string]bool{
	"there": true, "you": true, "so": true, "much": true, "very": true, "a": true, "lot": true,
	"many": true, "that": true, "s": true, "thats": true, "was": true, "is": true, "really": true, "all": true, "for": true,
	"your": true, "the": true, "help": true, "bot": true, "again": true, "and": true, "oh": true,
	"i": true, "it": true, "everyone": true, "guys": true, "dear": true,
	"see": true, "have": true, "day": true, "now": true, "x": true, "xx": true,
	"mate": true, "doing": true, "today": true, "needed": true, "wanted": true, "just": true,
	"sounds": true, "super": true, "then": true,
}

// smalltalkPatterns are whole messages (lower-case words joined by single
// spaces, "you're" as "you re") about the assistant itself or the
// conversation. A few words of greeting or hesitation may come first and
// "please" or "then" last (see phraseCore).
var smalltalkPatterns = []struct {
	kind smalltalkKind
	re   *regexp.Regexp
}{
	{pondering, words(`(?:h+m+|m{2,}|u+m+|e+r+m*|u+h+|a+h+|o+h+|hmm+ ok|hmm+ well)`)},
	{puzzled, words(`(?:what|wot|huh|eh|pardon|sorry|come again|say again|i don t (?:understand|get it)|i dont (?:understand|get it)|i m (?:confused|lost)|im (?:confused|lost)|confused|what do you mean|what does that mean)`)},
	{human, words(`(?:(?:can|could|may) i|i (?:want|would like|d like|need|wanna)|i(?:d| would) rather|let me|please let me) (?:please )?(?:speak|talk|chat) (?:to|with) (?:a |an |the |your )?(?:real |actual |live )?` + humanNoun)},
	{human, words(`(?:(?:speak|talk|chat) (?:to|with) (?:a |an |the )?(?:real |actual |live )?` + humanNoun + `|` + `(?:a |an )?(?:real |live )?(?:human|person|operator|agent) please|put me through to (?:a |an )?(?:real )?` + humanNoun + `|is there (?:a |an )?(?:real )?(?:human|person|anyone|someone) (?:there|i can (?:talk|speak) to))`)},
	{robot, words(`(?:are|r) (?:you|u) (?:a |an )?(?:real |actual |proper )?` + botNoun + `(?: or (?:a |an )?(?:real |actual )?` + botNoun + `)?(?: or not)?`)},
	{robot, words(`(?:is (?:this|it|that)|am i (?:talking|speaking|chatting) (?:to|with)) (?:a |an )?(?:real |actual )?(?:` + botNoun + `|automated|someone real)(?: or (?:a |an )?(?:real )?` + botNoun + `)?`)},
	{identity, words(`(?:who (?:are|r) (?:you|u)|what (?:are|r) (?:you|u)|what (?:is|s) your name|whats your name|who (?:is|s) this|whos this|who am i (?:talking|speaking|chatting) (?:to|with))`)},
	{capability, words(`(?:help|help me|what (?:can|do|could) (?:you|u) do|what (?:can|could) (?:you|u) help (?:me )?with|what can i ask(?: you)?|what (?:can|do) (?:you|u) know(?: about)?|how (?:can|do|could) (?:you|u) help(?: me)?|can (?:you|u) help(?: me)?|how does (?:this|it) work|what (?:is|s) this(?: bot| chat| for)?|what (?:is|s) this bot for|what are you for)`)},
	{complaint, words(`(?:(?:you re|youre|you are|ur|u r|u are|this is|that s|thats|that is|this bot is|what a|such a|you re a|you are a|youre a) (?:so |really |completely |totally |absolutely |pretty |quite |very |a |an )*(?:useless|rubbish|stupid|dumb|pointless|hopeless|terrible|awful|garbage|crap|unhelpful|no help|no use|not helpful|not very helpful|not much help|not helping)(?: bot| robot| thing| machine| at all)?|(?:useless|stupid|rubbish|dumb|pointless) (?:bot|robot|thing|machine|chat)|(?:not|no) help(?:ful)?(?: at all)?|you (?:don t|dont|do not) understand(?: me| anything)?|(?:that|this) (?:doesn t|doesnt|does not|isn t|isnt|is not) help(?:ing|ful)?)`)},
}

// The nouns the patterns name: a person to speak to, or what a bot is.
const (
	humanNoun = `(?:human|human being|person|someone|somebody|receptionist|member of staff|staff|team|doctor|nurse|agent|operator|secretary|people)`
	botNoun   = `(?:robot|bot|chatbot|chat bot|human|human being|person|ai|a i|machine|computer|program|real)`
)

// words compiles a pattern to match a whole message, after phraseCore.
func words(p string) *regexp.Regexp { return regexp.MustCompile(`^` + p + `$`) }

// phraseLead and phraseTail may stand around a small-talk phrase.
var (
	phraseLead = wordSet(`hi hello hey so ok okay oh um erm but and wait sorry excuse me well just honestly seriously`)
	phraseTail = wordSet(`please then mate now lol really seriously`)
)

// phraseCore is the message's words without the greeting or hesitation
// before a phrase and the "please" after it.
func phraseCore(words []string) string {
	for len(words) > 1 && phraseLead[words[0]] {
		words = words[1:]
	}
	for len(words) > 1 && phraseTail[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

// smalltalk reports whether the message is only small talk, and which.
func smalltalk(q string) (smalltalkKind, bool) {
	words := strings.FieldsFunc(strings.ToLower(strings.ReplaceAll(q, "\u2019", "'")), func(r rune) bool {
		return !unicode.IsLetter(r)
	})
	if len(words) == 0 {
		if strings.Trim(q, "? ") == "" && q != "" {
			return puzzled, true // "?", "??"
		}
		return 0, false
	}
	if len(words) > 12 { // "that's" counts as two
		return 0, false
	}
	core := phraseCore(words)
	for _, p := range smalltalkPatterns {
		if p.re.MatchString(core) {
			return p.kind, true
		}
	}
	found, kind := false, ack
	note := func(k smalltalkKind) {
		if !found || k > kind {
			kind = k // thanks or goodbye outrank a greeting ("hi, thanks")
		}
		found = true
	}
	for _, p := range smalltalkPhrases {
		for i := 0; i+len(p.words) <= len(words); i++ {
			if slices.Equal(words[i:i+len(p.words)], p.words) {
				note(p.kind)
				words = slices.Delete(slices.Clone(words), i, i+len(p.words))
				break
			}
		}
	}
	for _, w := range words {
		if k, ok := smalltalkWords[w]; ok {
			note(k)
			continue
		}
		if !fillers[w] {
			return 0, false
		}
	}
	return kind, found
}

// smalltalkText is the reply to small talk, in the receptionist's words.
func (e *Engine) smalltalkText(k smalltalkKind) string {
	clinic := e.texts.ClinicName
	if clinic == "" {
		clinic = "the clinic"
	}
	switch k {
	case ack:
		return "Glad that helps. Is there anything else you'd like to know?"
	case thanks:
		return "You're very welcome. If anything else comes to mind, just ask."
	case goodbye:
		return "Take care, and goodbye. I'm here whenever you have another question."
	case pondering:
		return "Take your time. You can ask me anything about " + clinic + " in your own words, or type /topics to browse."
	case puzzled:
		return "Sorry if I wasn't clear. Tell me in your own words what you'd like to know, for example \"How do I book a consultation?\", or type /topics to browse."
	case robot:
		return "I'm an automated assistant, not a person. I answer common questions from " + clinic + "'s own information. " +
			"If you'd like to talk to someone, the team will be glad to help" + e.routeSuffix()
	case identity:
		if e.texts.ClinicName == "" {
			return "I'm the clinic's assistant, an automated helper that answers common questions about the clinic, its treatments, appointments and fees. What would you like to know?"
		}
		return "I'm the " + clinic + " assistant, an automated helper that answers common questions about the clinic, its treatments, appointments and fees. What would you like to know?"
	case capability:
		return "I can answer common questions about " + clinic + ": its treatments and what to expect, appointments, fees, insurance and how to find the clinic. " +
			"Ask in your own words, or type /topics to browse. I give general information, not medical advice."
	case human:
		return "Of course. I'm an automated assistant, and the team will be glad to talk to you" + e.routeSuffix()
	case complaint:
		return "I'm sorry I haven't been more helpful. The team will be glad to answer you themselves" + e.routeSuffix()
	default:
		if e.texts.ClinicName == "" {
			return "Hello! I can answer questions about the clinic and its treatments. What would you like to know?"
		}
		return fmt.Sprintf("Hello! I'm the %s assistant. I can answer questions about the clinic and its treatments. What would you like to know?", e.texts.ClinicName)
	}
}

// smalltalkWins reports whether small talk of kind k is the reply rather
// than the knowledge's best entry. A greeting or thanks yields only to an
// entry that matches all but word for word (a knowledge base may have its
// own "hello" entry; the clinic's "good evening" is not about opening
// hours). The other kinds yield to any entry the engine would answer or
// offer, so small talk there only replaces "I don't know": a knowledge
// base's own answer to "what can I ask?" or "can I talk to a human?" is
// the clinic's. Except that "are you a robot?" yields only to an entry
// that asks what "you" are (a knowledge base's own "are you a bot?"), not
// to one that merely shares "person" or "bot" with it (the clinic's "I want
// to speak to a person, not a bot" is about contacting the clinic).
func (e *Engine) smalltalkWins(k smalltalkKind, hits []index.Hit) bool {
	if len(hits) == 0 {
		return true
	}
	top := hits[0].Confidence
	switch {
	case top >= max(e.settings.Answer, smalltalkOverride):
		return false
	case k == greeting || k == thanks || k == goodbye || top < e.settings.Choices:
		return true
	case k == robot:
		return !asksWhatYouAre(hits[0].Entry.Questions())
	}
	return false
}

// asksWhatYouAre reports whether one of qs asks whether "you" are a
// person or a machine.
func asksWhatYouAre(qs []string) bool {
	for _, q := range qs {
		you, what := false, false
		for _, w := range plainWords(q) {
			you = you || w == "you" || w == "u"
			what = what || botNouns[w]
		}
		if you && what {
			return true
		}
	}
	return false
}

var botNouns = wordSet(`robot bot chatbot human person ai machine computer program programmed alive real`)

// smalltalkBooking is the booking link offered with small talk: only with
// the replies that point to the team.
func (e *Engine) smalltalkBooking(k smalltalkKind) string {
	switch k {
	case robot, human, complaint:
		return e.texts.BookingURL
	}
	return ""
}

// routeSuffix ends a sentence with the way to reach the clinic: the
// booking button, when there is one, and the contact details.
func (e *Engine) routeSuffix() string {
	var b strings.Builder
	if e.texts.BookingURL != "" {
		b.WriteString(": you can book a consultation with the button below")
	}
	b.WriteString(".")
	if e.texts.Contact != "" {
		b.WriteString("\n\n" + e.texts.Contact)
	}
	return b.String()
}
