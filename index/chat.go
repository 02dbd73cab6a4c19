package index

// chatWords are the short forms people type in chat apps, with the word
// each stands for. They are English, not any knowledge base's: a patient who
// writes "wat is rfa" or "r u open on saturdays" asks the same as one who
// spells it out, and without this the short forms count as words the
// knowledge has never seen, which reads as "out of scope". A knowledge base
// that itself uses one of them (as a word of its own) keeps it as it is.
var chatWords = map[string]string{
	"u": "you", "ya": "you", "yu": "you",
	"ur": "your", "yr": "your",
	"r":   "are",
	"y":   "why",
	"wat": "what", "wot": "what", "wht": "what", "wut": "what",
	"hw":  "how",
	"wen": "when",
	"whr": "where",
	"pls": "please", "plz": "please", "plse": "please",
	"abt": "about",
	"b4":  "before",
	"bc":  "because", "cos": "because", "coz": "because", "cuz": "because", "bcoz": "because", "bcos": "because",
	"cud": "could", "wud": "would", "shud": "should", "shld": "should",
	"cn":  "can",
	"dnt": "don't", "dont": "don't", "cant": "can't", "wont": "won't", "didnt": "didn't", "doesnt": "doesn't", "isnt": "isn't",
	"im": "i'm", "ive": "i've",
	"some1": "someone", "sum1": "someone", "any1": "anyone", "every1": "everyone",
	"2day": "today", "2moro": "tomorrow", "2morrow": "tomorrow", "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow",
	"2nite": "tonight", "tonite": "tonight",
	"wk": "week", "wks": "weeks", "hrs": "hours", "mins": "minutes",
	"appt": "appointment", "appts": "appointments",
	"info": "information",
	"msg":  "message",
	"tel":  "telephone", "fone": "phone",
	"wanna": "want", "gonna": "going", "gotta": "got",
	"thx": "thanks", "thnx": "thanks", "thanx": "thanks",
	"ppl":  "people",
	"gr8":  "great",
	"nite": "night",
	"tho":  "though", "thru": "through",
}
