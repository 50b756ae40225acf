package understand

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Rules read a message clause by clause. A cue (a hazard or a major
// signal) counts only when its clause does not make it harmless:
//
//   - negated just before it: 没有着火, 不是煤气, "no smoke", "I won't sue";
//     only a few words may stand between (没有发现漏水, 不打算找律师), so
//     in "再不解决我就去起诉" the 不 belongs to 解决, not to 起诉;
//   - hypothetical: 万一, 如果, 要是, 演练, drill, "if" anywhere in the
//     clause (hazards only: a threat "要是再不修我就起诉" is the owner's
//     stated intent and counts as a signal);
//   - past or a follow-up: 上次, 去年, 之前, 那次, "last time" (hazards
//     only: an owner who already called 12345 has gone to the hotline);
//   - a question for information: 电话是多少, 怎么报, "what is the number";
//   - part of a harmless compound: 防火门 holds no fire, 打不着火 no
//     着火, 困了 no trapped person, a smoke detector no smoke.
//
// Clauses end at punctuation, at conjunctions (但是, 然后, but) and at a
// space between two Chinese characters (voice typing and hurried owners
// leave out the commas).

// cueKind is what a phrase of the rules' lexicon says.
type cueKind uint8

const (
	cueNone          cueKind = iota
	cueHazard                // tag: the hazard
	cueWeakTrap              // "still inside", "can't get out": trapped when a lift is mentioned
	cueLift                  // the message is about a lift
	cueHarmless              // a compound holding a hazard word that is no hazard
	cueNegator               // 没有, 不是, no, not
	cueHypo                  // 万一, 如果, drill, if
	cuePast                  // 上次, 去年, last time
	cueInfo                  // 电话是多少, what is the number
	cueSplit                 // a conjunction: a new clause starts
	cueSignal                // tag: the major signal
	cueSignalOff             // a compound holding a signal word that is no signal (法院路)
	cuePower                 // a power cut: medical equipment without power is an emergency
	cueResolved              // 已经灭了, 虚惊一场: the danger is over, for the whole message
	cueVolume                // water in volume (流, 灌, 漫, pouring): what makes a leak a flood
	cueSmokeCtx              // smoking, barbecue, cooking: smoke in the same clause is theirs
	cueHypoUnlessNow         // 怎么办: hypothetical unless the hazard is happening (着火了怎么办)
)

type lexEntry struct {
	kind cueKind
	tag  string
}

// The lexicon, in keyOf form (Simplified, lower-case).
var lexicon = func() map[string]lexEntry {
	m := map[string]lexEntry{}
	put := func(kind cueKind, tag string, words ...string) {
		for _, w := range words {
			m[keyOf(w)] = lexEntry{kind, tag}
		}
	}
	put(cueHazard, "fire", "着火", "起火", "失火", "火灾", "火警", "冒烟", "浓烟", "黑烟", "烟雾", "火苗", "明火", "大火",
		"火光", "烧起来", "烧着了", "烧了起来", "烧着", "火烧", "fire", "on fire", "flames", "burning", "smoke")
	put(cueHazard, "gas", "煤气味", "燃气味", "天然气味", "液化气味", "煤气泄漏", "煤气泄露", "燃气泄漏", "燃气泄露", "天然气泄漏",
		"天然气泄露", "煤气漏", "燃气漏", "gas leak", "gas leaking", "smell of gas", "smell gas", "smells of gas", "smelling gas", "leaking gas")
	put(cueHazard, "trapped", "被困", "困在", "困住", "困电梯", "电梯困人", "困人", "关在电梯", "卡在电梯", "电梯关人", "困梯", "锁在阳台",
		"反锁在", "trapped", "stuck in the lift", "stuck in lift", "stuck in the elevator", "stuck in elevator", "locked in")
	put(cueHazard, "flood", "水漫", "淹水", "水淹", "被淹", "淹了", "爆管", "水管爆裂", "水管爆了", "爆水管", "喷水", "涌出来",
		"水越来越", "越来越深", "发大水", "室进水", "库进水", "家里进水", "屋里进水", "burst pipe", "burst pipes", "pipe burst", "flooding", "flooded",
		"water everywhere", "water gushing", "water pouring")
	put(cueHazard, "intrusion", "有人撬门", "撬门", "撬锁", "入室盗窃", "入室抢劫", "小偷正在", "有人闯入", "闯进", "闯入",
		"有人在撬", "正在撬", "break-in", "breaking in", "broke in", "burglar", "burglars", "intruder", "someone in my house", "robbery")
	put(cueHazard, "injury", "触电", "晕倒", "昏迷", "有人受伤", "受伤了", "流血", "摔倒了", "砸伤", "砸到人", "不省人事", "没有呼吸",
		"没呼吸", "骨折", "injured", "bleeding", "unconscious", "electric shock", "not breathing", "hurt badly")
	put(cueHazard, "medical_power", "制氧机", "呼吸机", "透析", "吸氧", "氧气机", "oxygen concentrator", "ventilator", "dialysis", "oxygen machine")
	put(cueWeakTrap, "trapped", "还在里面", "关在里面", "困在里面", "出不来", "里面有人", "人在里面", "still inside", "stuck inside",
		"someone inside", "can't get out", "cannot get out")
	put(cuePower, "", "停电", "断电", "没电", "跳闸", "power cut", "power outage", "no power", "blackout", "power went out", "power is out")
	put(cueLift, "", "电梯", "升降梯", "轿厢", "lift", "elevator")
	put(cueHarmless, "", "打不着火", "点不着火", "打不着", "点不着", "防火门", "防火", "灭火器", "灭火", "消防栓", "火灾隐患", "火警电话",
		"烟味", "抽烟", "吸烟", "油烟", "烟头", "烟花", "二手烟", "香烟", "烟感", "烟雾报警", "烟雾探测", "烟雾感应", "烟囱",
		"困了", "困扰", "被困扰", "犯困", "火灾报警", "火警铃", "火警钟", "唔着火", "不着火", "排烟", "烟雾侦测", "烟雾警报",
		"烟雾缭绕", "淹没", "滴水越来越", "车困在", "smoke sensor", "fire hose", "fire engine", "fire truck", "困难", "困倦", "困意", "好困", "燃气费", "煤气费", "天然气费", "燃气表", "呼吸机的声音",
		"fire door", "fire doors", "fire exit", "fire exits", "fire escape", "fire extinguisher", "fire extinguishers",
		"fire hydrant", "fire drill", "fire lane", "fire safety", "fire hazard", "fire inspection", "fire alarm test",
		"smoke detector", "smoke detectors", "smoke alarm", "smoke alarms", "cigarette smoke", "second-hand smoke",
		"secondhand smoke", "gas bill", "gas bills", "gas meter", "喷水池")
	put(cueNegator, "", "没有", "没", "未", "不是", "无", "不", "别", "并非", "no", "not", "never", "isn't", "isnt", "wasn't",
		"aren't", "don't", "dont", "won't", "wont", "didn't", "without", "nobody", "nothing")
	put(cueHypo, "", "万一", "如果", "要是", "假如", "假设", "倘若", "演练", "演习", "以防", "预防", "防止", "就怕", "生怕", "怕会",
		"担心会", "会不会", "怕", "哪天", "差点", "差一点", "险些", "以为", "计划", "almost", "nearly", "thought", "planned", "scheduled", "可能会", "隐患", "容易", "if", "in case", "what if", "drill", "prevent", "risk")
	put(cuePast, "", "上次", "去年", "之前", "那次", "以前", "曾经", "上个月", "上周", "上礼拜", "前年", "当时", "已经灭", "已经扑灭", "昨晚", "昨天", "前天", "这个月", "最近",
		"撬过", "着过火", "困过", "淹过", "被盗过", "起过火", "前几天", "几天前", "那天", "事后", "查出来", "ago",
		"last time", "last year", "last month", "last week", "previously", "used to")
	put(cueInfo, "", "电话是多少", "电话多少", "号码是多少", "号码多少", "打什么电话", "打哪个电话", "怎么报", "找谁", "联系谁", "应急电话",
		"报警电话", "紧急电话", "值班电话", "什么电话", "怎么联系", "应急预案", "需要什么", "需要准备", "什么材料", "怎么办理", "流程是", "what is the number", "what's the number",
		"which number", "phone number", "who should i call", "who do i call", "how do i report", "how to report", "contact number")
	put(cueSplit, "", "但是", "可是", "不过", "然后", "结果", "而且", "后来", "现在", "but", "and then", "now")
	put(cueSignal, "lawsuit", "起诉", "告你们", "告物业", "法院", "律师", "打官司", "诉讼", "法律途径", "法律手段", "仲裁",
		"sue", "lawsuit", "lawyer", "court", "legal action", "attorney")
	put(cueSignal, "media", "媒体", "曝光", "记者", "电视台", "发网上", "发到网上", "网上曝光", "微博", "抖音", "小红书", "头条",
		"报社", "media", "journalist", "newspaper", "expose", "social media", "tiktok", "weibo", "go viral", "reporter")
	put(cueSignal, "hotline", "12345", "市长热线", "市民热线", "政务热线", "住建局", "房管局", "住建委", "消协", "12315",
		"mayor's hotline", "mayor hotline", "government hotline", "housing bureau")
	put(cueSignal, "petition", "信访", "上访", "信访办", "petition")
	put(cueSignal, "collective", "联名", "全体业主", "几十户", "几十家", "上百户", "多户业主", "很多业主", "业主们一起", "所有业主",
		"整栋楼的业主", "集体投诉", "大家一起投诉", "all the owners", "many households", "dozens of households")
	put(cueVolume, "", "流", "淌", "灌", "涌", "喷", "漫", "淹", "泡", "积水", "满地", "一地", "哗哗", "越来越", "止不住", "关不住",
		"堵不住", "往外冒", "浸", "pouring", "gushing", "flooding", "flooded", "everywhere", "spraying", "rising")
	put(cueSmokeCtx, "", "抽烟", "烟头", "吸烟", "烧烤", "烤肉", "油烟", "炒菜", "做饭", "烧纸钱", "禁烟", "barbecue", "bbq", "cigarette",
		"cigarettes", "smoking", "cooking")
	put(cueHypoUnlessNow, "", "怎么办", "what if")
	put(cueResolved, "", "已经灭了", "已经扑灭", "关了总阀", "总阀关了", "关掉了总阀", "关了阀门", "已经出来了", "已经救出", "虚惊一场", "已经没事", "已经关掉", "已经关了阀门",
		"false alarm", "all clear", "put it out", "is out now")
	put(cueSignalOff, "", "法院路", "法院街", "律师楼", "basketball court", "tennis court", "food court")
	return m
}()

// Words allowed between a negator and what it negates: 没有发现漏水,
// 不打算找律师, 不会去曝光. Anything else ends the negator's reach.
const negationFiller = "想去会要打算找上向到告用必再准备是有人发现看闻听见说过一任何的什么请也都还在家里这那个"

var englishFiller = map[string]bool{"go": true, "to": true, "the": true, "a": true, "an": true, "any": true, "call": true,
	"contact": true, "want": true, "plan": true, "planning": true, "intend": true, "going": true, "be": true, "will": true,
	"is": true, "there": true, "i": true, "we": true, "see": true, "smell": true, "real": true, "really": true, "of": true, "one": true, "sign": true, "signs": true}

// clauses splits key into clauses: byte offsets where each clause starts.
func clauseStarts(key string, splits []int32) []int32 {
	starts := []int32{0}
	prevHan := false
	for i := 0; i < len(key); {
		r, n := utf8.DecodeRuneInString(key[i:])
		switch {
		case strings.ContainsRune("，。！？；,.!?;、\n\r\t:：…~～", r):
			starts = append(starts, int32(i+n))
		case r == ' ' && prevHan:
			nr, _ := utf8.DecodeRuneInString(key[i+n:])
			if isHan(nr) {
				starts = append(starts, int32(i+n))
			}
		}
		prevHan = isHan(r)
		i += n
	}
	starts = append(starts, splits...)
	slices.Sort(starts)
	return slices.Compact(starts)
}

func clauseOf(starts []int32, pos int32) int {
	i, found := slices.BinarySearch(starts, pos)
	if !found {
		i--
	}
	return i
}

// cueHit is a lexicon phrase found in the key.
type cueHit struct {
	lexEntry
	word       string
	start, end int32
	clause     int
}

// ruleRead is what the rules found in one message.
type ruleRead struct {
	hazards []cueHit // kept hazard cues, in order
	signals []cueHit // kept signals
	skipped []string // cues set aside and why, for Decided
	volume  bool     // water in volume is mentioned
}

// readRules applies the rules to the cues found in key.
func readRules(key string, hits []cueHit, splits []int32) ruleRead {
	var rr ruleRead
	starts := clauseStarts(key, splits)
	for i := range hits {
		hits[i].clause = clauseOf(starts, hits[i].start)
	}
	lift := false
	in := func(h cueHit, kind cueKind) bool {
		for _, o := range hits {
			if o.kind == kind && o.clause == h.clause {
				return true
			}
		}
		return false
	}
	power, resolved := false, ""
	for _, h := range hits {
		switch {
		case h.kind == cueLift && !overlaps(hits, h, cueHarmless):
			lift = true
		case h.kind == cuePower && !negatedAt(key, hits, h) && !in(h, cueHypo) && !in(h, cuePast) && !in(h, cueInfo):
			power = true
		case h.kind == cueResolved && !negatedAt(key, hits, h):
			resolved = h.word
		}
	}
	for _, h := range hits {
		why := ""
		switch {
		case h.kind == cueHazard || h.kind == cueWeakTrap:
			if h.kind == cueWeakTrap && !lift || h.tag == "medical_power" && !power {
				continue
			}
			switch {
			case overlaps(hits, h, cueHarmless):
				why = "harmless"
			case (softSmoke(h) || h.kind == cueWeakTrap) && in(h, cueSmokeCtx):
				why = "harmless"
			case in(h, cueHypoUnlessNow) && !happening(key, h):
				why = "hypothetical"
			case resolved != "":
				why = "over (" + resolved + ")"
			case in(h, cueHypo):
				why = "hypothetical"
			case in(h, cuePast):
				why = "past"
			}
		case h.kind == cueSignal:
			switch {
			case h.tag == "hotline" && !standaloneNumber(key, h):
				continue
			case overlaps(hits, h, cueSignalOff):
				why = "harmless"
			}
		default:
			continue
		}
		switch {
		case why != "":
		case negatedAt(key, hits, h):
			why = "negated"
		case in(h, cueInfo):
			why = "information"
		}
		switch {
		case why != "":
			rr.skipped = append(rr.skipped, h.word+":"+why)
		case h.kind == cueSignal:
			rr.signals = append(rr.signals, h)
		default:
			rr.hazards = append(rr.hazards, h)
		}
	}
	for _, h := range hits {
		if h.kind == cueVolume && !negatedAt(key, hits, h) {
			rr.volume = true
		}
	}
	return rr
}

// standaloneNumber: 12345 is the hotline, not part of 123456 or a phone.
func standaloneNumber(key string, h cueHit) bool {
	if h.word[0] < '0' || h.word[0] > '9' {
		return true
	}
	before := h.start == 0 || !isDigitB(key[h.start-1]) && key[h.start-1] != '-'
	after := int(h.end) == len(key) || !isDigitB(key[h.end]) && key[h.end] != '-'
	return before && after
}

// negatedAt reports whether a negator of h's clause reaches h: it ends
// just before h, or only filler words stand between.
func negatedAt(key string, hits []cueHit, h cueHit) bool {
	for _, o := range hits {
		if o.kind != cueNegator || o.clause != h.clause || o.start >= h.start {
			continue
		}
		if overlaps(hits, o, cueNegator) {
			continue // 没 inside 没有 counts once, as the longer one
		}
		gap := key[min(o.end, h.start):h.start] // 没有 overlaps 有人被困
		if gap == "" {
			return true
		}
		// English words are counted as words; a number after Chinese
		// (没打12345) is read as Chinese is.
		if (isASCIIAlnum(key[h.start]) || key[h.start] == ' ') && !hasNonASCII(gap) {
			words := strings.Fields(gap)
			if len(words) <= 4 && allFiller(words) {
				return true
			}
			continue
		}
		if utf8.RuneCountInString(gap) <= 4 && strings.IndexFunc(gap, func(r rune) bool { return !strings.ContainsRune(negationFiller, r) }) < 0 {
			return true
		}
	}
	return false
}

func hasNonASCII(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0
}

func allFiller(words []string) bool {
	for _, w := range words {
		if !englishFiller[w] {
			return false
		}
	}
	return true
}

// overlaps reports whether a longer phrase of kind overlaps h: 困扰 in
// 被困扰 sets 被困 aside, 没有 makes 没 count once.
func overlaps(hits []cueHit, h cueHit, kind cueKind) bool {
	for _, o := range hits {
		longer := o.end-o.start > h.end-h.start || o.end-o.start == h.end-h.start && o.start != h.start
		if o.kind == kind && o.start < h.end && h.start < o.end && longer {
			return true
		}
	}
	return false
}

// softSmoke: smoke words (not flames) that smoking, a barbecue or cooking
// in the same clause explain.
func softSmoke(h cueHit) bool {
	return h.tag == "fire" && (strings.Contains(h.word, "烟") || strings.Contains(h.word, "smoke") || h.word == "明火")
}

// happening: the hazard is followed by 了 or 啦 (着火了): it is going on.
func happening(key string, h cueHit) bool {
	rest := key[h.end:]
	return strings.HasPrefix(rest, "了") || strings.HasPrefix(rest, "啦")
}
