package understand

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// nearDuplicateAt is the character-trigram Jaccard similarity from which
// two corpus lines count as the same message. Swapping one two-character
// word of a 25-character message changes 4 of its 23 trigrams on each
// side: 19 shared of 27, a similarity of 0.7; a Traditional copy of a
// Simplified line with a word dropped lands between 0.55 and 0.6. Lines
// that only share a situation or a phrase stay below 0.5 ("when is the
// property management fee due" against "is this the property management
// chat" is 0.53, the highest such pair found). A line that is another
// with a word swapped teaches nothing new and, across train and dev,
// would make the dev figures lie.
const nearDuplicateAt = 0.55

// minDuplicateLetters: shorter lines (greetings, thanks) are formulas that
// every writer writes the same way; they are not checked.
const minDuplicateLetters = 8

func trigrams(text string) []string {
	var rs []rune
	for _, r := range keyOf(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			rs = append(rs, r)
		}
	}
	var out []string
	for i := 0; i+3 <= len(rs); i++ {
		out = append(out, string(rs[i:i+3]))
	}
	if len(rs) < minDuplicateLetters {
		return nil // a formula (你好, 谢谢, hello): the same in every split
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// nearDuplicates finds pairs (a in as, b in bs) with Jaccard ≥ at; with
// same, as and bs are one list and each pair is reported once.
func nearDuplicates(as, bs []Line, same bool, at float64) []string {
	grams := func(ls []Line) [][]string {
		out := make([][]string, len(ls))
		for i, l := range ls {
			out[i] = trigrams(l.Text)
		}
		return out
	}
	ga, gb := grams(as), grams(bs)
	index := map[string][]int{}
	for j, g := range gb {
		for _, t := range g {
			index[t] = append(index[t], j)
		}
	}
	var found []string
	shared := map[int]int{}
	for i, g := range ga {
		clear(shared)
		for _, t := range g {
			for _, j := range index[t] {
				if !same || j > i {
					shared[j]++
				}
			}
		}
		for j, n := range shared {
			if len(g) == 0 {
				continue
			}
			union := len(g) + len(gb[j]) - n
			if sim := float64(n) / float64(union); sim >= at {
				found = append(found, fmt.Sprintf("%.2f %s %q ~ %s %q", sim, as[i].Where(), as[i].Text, bs[j].Where(), bs[j].Text))
			}
		}
	}
	slices.Sort(found)
	return found
}

func TestCorpusNearDuplicates(t *testing.T) {
	train, err := TrainCorpus()
	if err != nil {
		t.Fatal(err)
	}
	dev, err := DevCorpus()
	if err != nil {
		t.Fatal(err)
	}
	if len(train) < 2000 || len(dev) < 300 {
		t.Fatalf("%d train and %d dev lines", len(train), len(dev))
	}
	for _, d := range nearDuplicates(train, train, true, nearDuplicateAt) {
		t.Errorf("near-duplicate within train: %s", d)
	}
	for _, d := range nearDuplicates(dev, train, false, nearDuplicateAt) {
		t.Errorf("dev line close to a train line: %s", d)
	}
}

func TestNearDuplicateDetector(t *testing.T) {
	ls := []Line{
		{File: "a", Number: 1, Text: "楼上那户的卫生间一直漏水，我家客厅的天花板都泡烂了"},
		{File: "a", Number: 2, Text: "楼上那户的厨房一直漏水，我家客厅的天花板都泡烂了"}, // one word swapped
		{File: "a", Number: 3, Text: "小区门口的路灯坏了三盏，晚上黑乎乎的"},
	}
	got := nearDuplicates(ls, ls, true, nearDuplicateAt)
	if len(got) != 1 || !strings.Contains(got[0], "a:1") || !strings.Contains(got[0], "a:2") {
		t.Errorf("near-duplicates %q", got)
	}
}

func TestParseCorpusErrors(t *testing.T) {
	data := strings.Join([]string{
		"# a comment",
		"repair\tnormal\tcomplaint\ttest\t水管漏了",
		"repair\tnormal\tcomplaint\ttest",                // 4 columns
		"plumbing\tnormal\tcomplaint\ttest\t水管漏了",        // unknown category
		"repair\tsoon\tcomplaint\ttest\t水管漏了",            // bad urgency
		"repair\temergency:alien\tcomplaint\ttest\t水管漏了", // bad hazard
		"repair\tnormal\tcomplain\ttest\t水管漏了",           // bad intent
		"-\tnormal\tcomplaint\ttest\t水管漏了",               // a complaint without category
		"repair\tnormal\tthanks\ttest\t谢谢",               // a non-complaint with a category
		"repair\tnormal\tcomplaint\t\t水管漏了",              // no source
		"repair\tnormal\tcomplaint\ttest\t ",             // no text
		"-\tnormal\tgreeting\ttest\t在吗",
		"security\temergency:fire\tcomplaint\ttest\t楼道冒黑烟了",
	}, "\n")
	lines, err := ParseCorpus("train/x.tsv", data)
	if err == nil {
		t.Fatal("no error")
	}
	for _, n := range []int{3, 4, 5, 6, 7, 8, 9, 10, 11} {
		if !strings.Contains(err.Error(), fmt.Sprintf("train/x.tsv:%d: ", n)) {
			t.Errorf("no problem reported at line %d:\n%v", n, err)
		}
	}
	if strings.Contains(err.Error(), "x.tsv:2:") || strings.Contains(err.Error(), "x.tsv:12:") {
		t.Errorf("a good line reported:\n%v", err)
	}
	if len(lines) != 3 || lines[1].Intent != IntentGreeting || lines[1].Category != "" || lines[2].Hazard != "fire" || lines[2].Urgency != UrgencyEmergency || lines[2].Number != 13 {
		t.Errorf("lines %+v", lines)
	}
}
