package conversation

import "strings"

// Button data is what a button gives back when pressed, ≤ 64 bytes
// (Telegram's limit): a kind, then its parts, separated by ":". The kinds
// are kept here, in one list, so that no two surfaces give the same data
// two meanings; the owner's are this package's, "act" is the desk's
// (package notify/desk builds and reads it: desk.ActData, desk.ParseAct).
const (
	DataAct      = "act" // a card's action: act:<action>:<serial>[:<choice>]
	DataFeedback = "fb"  // the owner's answer to a reply: fb:<yes|no>:<serial>
	DataRevisit  = "rv"  // a revisit score: rv:<question>:<score>:<serial>
	DataSurvey   = "sv"  // a survey answer: sv:<run>:<question>:<value>
	DataCategory = "cat" // the owner's category: cat:<id>, cat:? for another
	DataCommand  = "cmd" // a conversation command: cmd:<name>
)

// dataParts is how many parts each kind of data has at most; the last one
// keeps any ":" it contains.
var dataParts = map[string]int{DataAct: 3, DataFeedback: 2, DataRevisit: 3, DataSurvey: 3, DataCategory: 1, DataCommand: 1}

// Data builds button data of kind from its parts.
func Data(kind string, parts ...string) string {
	return kind + ":" + strings.Join(parts, ":")
}

// ParseData splits button data into its kind and parts; ok is false for
// data of no known kind.
func ParseData(s string) (kind string, parts []string, ok bool) {
	kind, rest, found := strings.Cut(s, ":")
	n, known := dataParts[kind]
	if !found || !known {
		return "", nil, false
	}
	return kind, strings.SplitN(rest, ":", n), true
}
