package cases

// Every PostgreSQL advisory lock heed takes, in one place, so no two uses
// pick the same id by accident. Any package may use these (every package
// imports cases).
//
// PostgreSQL keeps two separate key spaces: a lock on one bigint key
// (pg_advisory_lock(bigint)) never meets a lock on two int keys
// (pg_advisory_lock(int, int)), even when the numbers are equal. Each
// constant says which space it is in; in the two-key space it is the first
// key (the class) and the comment says what the second is.

// One bigint key.
const (
	// LockMigrate serialises migrations: two `heed migrate`, or two `heed
	// serve` starting at once, queue on it (session lock, cases.Migrate
	// through goose's locker). "heed" in ASCII.
	LockMigrate = 0x68656564

	// LockTestTemplate serialises building the migrated template database
	// test packages clone (casestest), so packages tested in parallel build
	// it once.
	LockTestTemplate = 4242

	// LockRevisitDraw serialises the revisit decisions (transaction lock,
	// conversation.drawRevisit): one decision per case, and the sampling
	// sequence has no gaps.
	LockRevisitDraw = 7706

	// LockWebUploads prefixes a web chat session's id; the lock's key is
	// hashtextextended(LockWebUploads || session, 0) (transaction lock,
	// bots/web DBUploads.Reserve): one session's upload bookings take turns.
	// A hash may in principle meet one of the fixed keys above; the chance
	// is about 2⁻⁶², and the cost would be a short wait.
	LockWebUploads = "web_chat_uploads:"
)

// Two int keys: the class, then a second key named in the comment.
const (
	// LockOutboxWorker: a delivery worker holds (LockOutboxWorker, its
	// worker id) for as long as it lives (session lock, notify's liveLock);
	// reclaim looks the class up in pg_locks to find the 'sending' rows of
	// workers that died. "heed" in ASCII, apart from LockMigrate by its
	// key space.
	LockOutboxWorker = 0x68656564

	// LockWeChatToken: (LockWeChatToken, hashtext(cache key)) is held while
	// one heed serve fetches a WeChat access token, so replicas fetch it
	// once (transaction lock, bots/wechat tokenSource.fetch). "wech".
	LockWeChatToken = 0x77656368

	// LockSurveyStart: (LockSurveyStart, hashtext(community)) serialises
	// survey starts per community (transaction lock,
	// conversation.StartSurvey), so no owner is asked two surveys at once.
	LockSurveyStart = 7707
)
