// Package locks names every PostgreSQL advisory lock heed takes, in one
// place, so no two uses pick the same id by accident. It imports nothing,
// so any package may use it (notify, which delivers and knows nothing of
// cases, included).
package locks

// PostgreSQL keeps two separate key spaces: a lock on one bigint key
// (pg_advisory_lock(bigint)) never meets a lock on two int keys
// (pg_advisory_lock(int, int)), even when the numbers are equal. Each
// constant says which space it is in; in the two-key space it is the first
// key (the class) and the comment says what the second is.

// One bigint key.
const (
	// Migrate serialises migrations: two `heed migrate`, or two `heed
	// serve` starting at once, queue on it (session lock, cases.Migrate
	// through goose's locker). "heed" in ASCII.
	Migrate = 0x68656564

	// TestTemplate serialises building the migrated template database
	// test packages clone (casestest), so packages tested in parallel build
	// it once.
	TestTemplate = 4242

	// RevisitDraw serialises the revisit decisions (transaction lock,
	// conversation.drawRevisit): one decision per case, and the sampling
	// sequence has no gaps.
	RevisitDraw = 7706

	// WebUploads prefixes a web chat session's id; the lock's key is
	// hashtextextended(WebUploads || session, 0) (transaction lock,
	// bots/web DBUploads.Reserve): one session's upload bookings take turns.
	// A hash may in principle meet one of the fixed keys above; the chance
	// is about 2⁻⁶², and the cost would be a short wait.
	WebUploads = "web_chat_uploads:"
)

// Two int keys: the class, then a second key named in the comment.
const (
	// OutboxWorker: a delivery worker holds (OutboxWorker, its
	// worker id) for as long as it lives (session lock, notify's liveLock);
	// reclaim looks the class up in pg_locks to find the 'sending' rows of
	// workers that died. "heed" in ASCII, apart from Migrate by its
	// key space.
	OutboxWorker = 0x68656564

	// WeChatToken: (WeChatToken, hashtext(cache key)) is held while
	// one heed serve fetches a WeChat access token, so replicas fetch it
	// once (transaction lock, bots/wechat tokenSource.fetch). "wech".
	WeChatToken = 0x77656368

	// SurveyStart: (SurveyStart, hashtext(community)) serialises
	// survey starts per community (transaction lock,
	// conversation.StartSurvey), so no owner is asked two surveys at once.
	SurveyStart = 7707
)
