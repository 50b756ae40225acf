package console

import (
	"fmt"
	"net/http"
	"time"

	"github.com/heedhq/heed/cases/report"
)

// Lang is a language of the desk: zh-CN (the default), zh-TW or en — the
// reports' languages, whose names of heed's values (statuses, steps,
// channels) the desk shows too.
type Lang string

const (
	ZhCN Lang = "zh-CN"
	ZhTW Lang = "zh-TW"
	En   Lang = "en"
)

var langs = []Lang{ZhCN, ZhTW, En}

// langNames are the switch's labels, each in its own language.
var langNames = map[Lang]string{ZhCN: "简体", ZhTW: "繁體", En: "English"}

// language is the request's language: ?lang= (then remembered in a
// cookie for a year), else the cookie, else the best match of
// Accept-Language by golang.org/x/text's matcher (report.AcceptLanguage).
func (c *Console) language(w http.ResponseWriter, r *http.Request) Lang {
	if v := r.URL.Query().Get("lang"); v != "" {
		if l, err := report.ParseLang(v); err == nil {
			c.setCookie(w, r, langCookie, string(l), 365*24*time.Hour)
			return Lang(l)
		}
	}
	if ck, err := r.Cookie(langCookie); err == nil {
		if l, err := report.ParseLang(ck.Value); err == nil {
			return Lang(l)
		}
	}
	return Lang(report.AcceptLanguage(r.Header.Get("Accept-Language")))
}

// T is the text of key in l, formatted with args when given; a key the
// table lacks shows as itself (TestTextsComplete keeps that from
// happening).
func (l Lang) T(key string, args ...any) string {
	t, ok := texts[key]
	if !ok {
		return key
	}
	s := t[0]
	switch l {
	case ZhTW:
		s = t[1]
	case En:
		s = t[2]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Duration is a span as the board says it: "2天3小时", "1 h 20 min".
func (v *View) Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	switch {
	case days > 0:
		return v.T("dur.dh", days, hours)
	case hours > 0:
		return v.T("dur.hm", hours, mins)
	}
	return v.T("dur.m", mins)
}

// texts is the desk's one table of words: each key in zh-CN, zh-TW, en.
// Names of heed's values (statuses, steps, channels, urgency) come from
// the reports' table (cases/report), the company's own names from its
// configuration.
var texts = map[string][3]string{
	"app.name": {"投诉工作台", "投訴工作台", "Complaint desk"},

	"nav.skip":     {"跳到正文", "跳到正文", "Skip to content"},
	"nav.label":    {"主菜单", "主選單", "Main menu"},
	"nav.register": {"登记簿", "登記簿", "Register"},
	"nav.board":    {"时限看板", "時限看板", "Deadline board"},
	"nav.account":  {"我的账号与登录设备", "我的帳號與登入裝置", "My account and signed-in browsers"},
	"nav.language": {"语言", "語言", "Language"},

	"role.specialist":      {"客服专员", "客服專員", "Complaint specialist"},
	"role.manager":         {"部门经理", "部門經理", "Department manager"},
	"role.handler":         {"经办人", "經辦人", "Handler"},
	"role.general_manager": {"总经理", "總經理", "General manager"},
	"role.quality":         {"管理者代表", "管理者代表", "Quality representative"},
	"role.staff":           {"员工", "員工", "Staff"},

	"signin.title":       {"登录投诉工作台", "登入投訴工作台", "Sign in to the complaint desk"},
	"signin.intro":       {"输入您在公司登记的工号、手机号或姓名，我们会把登录链接发到您本人的 Slack 私信或 Telegram 私聊。", "輸入您在公司登記的工號、手機號碼或姓名，我們會把登入連結傳到您本人的 Slack 私訊或 Telegram 私聊。", "Enter your staff id, phone number or name as the company has them: we send a sign-in link to your own Slack DM or Telegram chat."},
	"signin.who":         {"工号、手机号或姓名", "工號、手機號碼或姓名", "Staff id, phone or name"},
	"signin.who_hint":    {"不需要密码。链接只能使用一次，几分钟内有效。", "不需要密碼。連結只能使用一次，幾分鐘內有效。", "No password. The link works once, for a few minutes."},
	"signin.who_missing": {"请填写工号、手机号或姓名（最多 100 个字）。", "請填寫工號、手機號碼或姓名（最多 100 個字）。", "Please enter your staff id, phone or name (100 characters at most)."},
	"signin.send":        {"发送登录链接", "傳送登入連結", "Send me a sign-in link"},
	"signin.sent":        {"如果您是工作台的成员，登录链接已经在发往您 Slack 私信或 Telegram 私聊的路上。", "如果您是工作台的成員，登入連結已經在傳往您 Slack 私訊或 Telegram 私聊的路上。", "If you are on the desk, a sign-in link is on its way to your Slack DM or Telegram chat."},
	"signin.sent_more":   {"打开链接即可登录。链接几分钟内有效，只能使用一次；没有收到的话，请稍后再试或联系管理员。", "開啟連結即可登入。連結幾分鐘內有效，只能使用一次；沒有收到的話，請稍後再試或聯絡管理員。", "Open it to sign in. It works once, for a few minutes; if nothing arrives, try again later or ask your administrator."},
	"signin.limited":     {"这个网络地址的登录请求太多了，请 15 分钟后再试。", "這個網路位址的登入請求太多了，請 15 分鐘後再試。", "Too many sign-in requests from this address. Please try again in 15 minutes."},
	"signin.again":       {"重新申请登录链接", "重新申請登入連結", "Ask for a new sign-in link"},
	"signin.out":         {"您已退出登录。", "您已登出。", "You are signed out."},
	"signin.out_all":     {"您已在所有设备上退出登录。", "您已在所有裝置上登出。", "You are signed out everywhere."},
	"signin.message":     {"投诉工作台登录链接（%d 分钟内有效，只能使用一次）：\n%s\n\n不是您本人申请的？忽略本消息即可，不会有人因此登录。", "投訴工作台登入連結（%d 分鐘內有效，只能使用一次）：\n%s\n\n不是您本人申請的？忽略本訊息即可，不會有人因此登入。", "Your sign-in link to the complaint desk (works once, for %d minutes):\n%s\n\nDid not ask for it? Ignore this message: nobody signs in with it."},

	"link.title":    {"登录投诉工作台", "登入投訴工作台", "Sign in to the complaint desk"},
	"link.continue": {"继续登录", "繼續登入", "Continue signing in"},
	"link.once":     {"这个链接只能使用一次。", "這個連結只能使用一次。", "This link works once."},
	"link.invalid":  {"这个登录链接已经用过或已过期。", "這個登入連結已經用過或已過期。", "This sign-in link was already used or has expired."},

	"error.internal":  {"出错了，请稍后再试", "出錯了，請稍後再試", "Something went wrong; please try again"},
	"error.csrf":      {"表单已过期或来自其他网站，请刷新页面后重试", "表單已過期或來自其他網站，請重新整理頁面後重試", "The form expired or came from another site; reload the page and try again"},
	"error.invalid":   {"请求有误", "請求有誤", "That request is not right"},
	"error.forbidden": {"您没有权限这样做", "您沒有權限這樣做", "You may not do that"},
	"error.notfound":  {"找不到这个页面", "找不到這個頁面", "There is no such page"},
	"error.conflict":  {"已经有人处理过了", "已經有人處理過了", "Someone already did that"},
	"error.back":      {"返回", "返回", "Back"},

	"account.title":       {"我的账号", "我的帳號", "My account"},
	"account.sessions":    {"已登录的浏览器", "已登入的瀏覽器", "Signed-in browsers"},
	"account.browser":     {"浏览器", "瀏覽器", "Browser"},
	"account.address":     {"网络地址", "網路位址", "Address"},
	"account.since":       {"登录于", "登入於", "Signed in"},
	"account.last":        {"最近使用", "最近使用", "Last used"},
	"account.actions":     {"操作", "操作", "Actions"},
	"account.this":        {"本机", "本機", "this one"},
	"account.revoke":      {"退出这个", "登出這個", "Sign this one out"},
	"account.signout":     {"退出登录", "登出", "Sign out"},
	"account.signout_all": {"在所有设备上退出", "在所有裝置上登出", "Sign out everywhere"},

	"register.title":        {"登记簿", "登記簿", "Register"},
	"register.count":        {"共 %d 件", "共 %d 件", "%d cases"},
	"register.count_capped": {"超过 %d 件", "超過 %d 件", "More than %d cases"},
	"register.filters":      {"筛选登记簿", "篩選登記簿", "Filter the register"},
	"register.search":       {"搜索", "搜尋", "Search"},
	"register.search_hint":  {"编号、业主姓名（一个字：按姓）、手机号后几位（至少 4 位）或投诉内容里的词", "編號、業主姓名（一個字：按姓）、手機號碼末幾碼（至少 4 碼）或投訴內容裡的詞", "A serial, the owner's name (one character: their surname), a phone's last digits (4 or more) or words of the complaint"},
	"register.more_filters": {"筛选条件", "篩選條件", "Filters"},
	"register.apply":        {"查询", "查詢", "Apply"},
	"register.clear":        {"清除全部条件", "清除全部條件", "Clear all"},
	"register.any":          {"全部", "全部", "Any"},
	"register.status":       {"状态", "狀態", "Status"},
	"register.status_open":  {"所有未结案", "所有未結案", "All open"},
	"register.status_done":  {"已结案（含无效）", "已結案（含無效）", "Done (incl. invalid)"},
	"register.step":         {"待完成环节", "待完成環節", "Step due"},
	"register.department":   {"处理部门", "處理部門", "Handling department"},
	"register.community":    {"小区", "社區", "Community"},
	"register.category":     {"投诉类别", "投訴類別", "Category"},
	"register.channel":      {"渠道", "管道", "Channel"},
	"register.urgency":      {"紧急程度", "緊急程度", "Urgency"},
	"register.handler":      {"经办人", "經辦人", "Handler"},
	"register.from":         {"受理日期从", "受理日期從", "Received from"},
	"register.to":           {"受理日期到", "受理日期到", "Received until"},
	"register.sort":         {"排序", "排序", "Order"},
	"register.flags":        {"只看", "只看", "Only"},
	"register.major":        {"重大", "重大", "Major"},
	"register.repeat":       {"重复", "重複", "Repeat"},
	"register.collective":   {"集体", "集體", "Collective"},
	"register.collective_n": {"集体 %d 户", "集體 %d 戶", "%d households"},
	"register.overdue":      {"已逾期", "已逾期", "Overdue"},
	"register.late":         {"逾期", "逾期", "Late"},
	"register.export":       {"导出当前筛选结果", "匯出目前篩選結果", "Export what is filtered"},
	"register.none":         {"没有符合条件的投诉。", "沒有符合條件的投訴。", "No cases match."},
	"register.pages":        {"翻页", "翻頁", "Pages"},
	"register.prev":         {"上一页", "上一頁", "Previous"},
	"register.next":         {"下一页", "下一頁", "Next"},
	"register.page":         {"第 %d / %d 页", "第 %d / %d 頁", "Page %d of %d"},
	"register.page_n":       {"第 %d 页", "第 %d 頁", "Page %d"},
	"register.capped_hint":  {"只计数到 1,000 件，翻页到前 10,000 件；请缩短日期范围或增加条件。", "只計數到 1,000 件，翻頁到前 10,000 件；請縮短日期範圍或增加條件。", "The register counts up to 1,000 cases and pages through the first 10,000; choose a shorter period or more filters."},
	"sort.received_desc":    {"受理时间（新的在前）", "受理時間（新的在前）", "Received, newest first"},
	"sort.received_asc":     {"受理时间（旧的在前）", "受理時間（舊的在前）", "Received, oldest first"},
	"sort.updated_desc":     {"最近更新", "最近更新", "Latest change"},
	"sort.serial_asc":       {"编号（升序）", "編號（升序）", "Serial, ascending"},
	"sort.serial_desc":      {"编号（降序）", "編號（降序）", "Serial, descending"},
	"col.serial":            {"编号", "編號", "Serial"},
	"col.received":          {"受理时间", "受理時間", "Received"},
	"col.owner":             {"业主", "業主", "Owner"},
	"col.where":             {"小区 / 房号", "社區 / 房號", "Community / unit"},
	"col.category":          {"类别", "類別", "Category"},
	"col.content":           {"投诉内容", "投訴內容", "Complaint"},
	"col.status":            {"状态", "狀態", "Status"},
	"col.department":        {"部门 / 经办人", "部門 / 經辦人", "Department / handler"},
	"col.next":              {"下一时限", "下一時限", "Next deadline"},
	"board.title":           {"时限看板", "時限看板", "Deadline board"},
	"board.updated":         {"更新于 %s", "更新於 %s", "Updated at %s"},
	"board.signed_out":      {"您已退出登录，看板停止刷新。请重新登录。", "您已登出，看板停止更新。請重新登入。", "You are signed out; the board stopped refreshing. Please sign in again."},
	"board.overdue":         {"已逾期", "已逾期", "overdue"},
	"board.soon":            {"2 小时内到期", "2 小時內到期", "due within 2 hours"},
	"board.today":           {"今天稍后到期", "今天稍後到期", "due later today"},
	"board.none":            {"今天没有到期或逾期的时限。", "今天沒有到期或逾期的時限。", "Nothing is overdue or due today."},
	"board.desk":            {"客服中心（待确认、派单、回复）", "客服中心（待確認、派單、回覆）", "Complaint desk (receipt, dispatch, reply)"},
	"board.mine":            {"本部门", "本部門", "yours"},
	"board.step":            {"环节", "環節", "Step"},
	"board.earliest":        {"最早到期（谁在处理）", "最早到期（誰在處理）", "Earliest due (who holds it)"},
	"board.overdue_by":      {"逾期 %s", "逾期 %s", "%s overdue"},
	"board.left":            {"还剩 %s", "還剩 %s", "%s left"},
	"board.due":             {"时限 %s", "時限 %s", "due %s"},
	"board.holder_desk":     {"客服专员", "客服專員", "complaint specialists"},
	"board.more":            {"另有 %d 件", "另有 %d 件", "%d more"},
	"dur.dh":                {"%d 天 %d 小时", "%d 天 %d 小時", "%d d %d h"},
	"dur.hm":                {"%d 小时 %d 分", "%d 小時 %d 分", "%d h %d min"},
	"dur.m":                 {"%d 分钟", "%d 分鐘", "%d min"},

	// Live updates (live.go, static/desk.js).
	"live.board": {"案件一有变动即自动更新", "案件一有變動即自動更新", "Updates itself as cases change"},
	// deskoffice: bulletins, surveys, reports, dead letters.
	"nav.bulletins":   {"公告", "公告", "Bulletins"},
	"nav.surveys":     {"问卷", "問卷", "Surveys"},
	"nav.reports":     {"分析与报表", "分析與報表", "Reports"},
	"nav.deadletters": {"发送失败", "傳送失敗", "Dead letters"},

	"bulletins.title":       {"公告", "公告", "Bulletins"},
	"bulletins.compose":     {"发布公告", "發布公告", "Post a bulletin"},
	"bulletins.refused":     {"公告没有发出：", "公告沒有發出：", "The bulletin was not posted:"},
	"bulletins.communities": {"小区", "社區", "Communities"},
	"bulletins.subject":     {"标题", "標題", "Title"},
	"bulletins.body":        {"正文", "正文", "Text"},
	"bulletins.body_hint":   {"原样发到所选小区的业主群、频道和微信粉丝（按标签群发）。", "原樣發到所選社區的業主群、頻道和微信粉絲（按標籤群發）。", "Sent as written to the chosen communities' residents' groups, channels and WeChat followers (by tag)."},
	"bulletins.cases":       {"相关投诉编号（可选）", "相關投訴編號（可選）", "Related complaints (optional)"},
	"bulletins.cases_hint":  {"多个编号用空格或逗号分开；这些投诉的业主会在各自的聊天里单独收到。", "多個編號用空格或逗號分開；這些投訴的業主會在各自的聊天裡單獨收到。", "Serials separated by spaces or commas: those complaints' owners get the bulletin in their own chats too."},
	"bulletins.post":        {"发布", "發布", "Post"},
	"bulletins.posted":      {"已发布的公告", "已發布的公告", "Posted bulletins"},
	"bulletins.none":        {"还没有公告。", "還沒有公告。", "No bulletin yet."},
	"bulletins.number":      {"编号", "編號", "No."},
	"bulletins.when":        {"发布", "發布", "Posted"},
	"bulletins.untitled":    {"（无标题）", "（無標題）", "(no title)"},

	"bulletin.number":          {"公告 %d", "公告 %d", "Bulletin %d"},
	"bulletin.back":            {"← 全部公告", "← 全部公告", "← All bulletins"},
	"bulletin.progress":        {"发送进度", "傳送進度", "Delivery"},
	"bulletin.sent":            {"已送达", "已送達", "sent"},
	"bulletin.pending":         {"待发送", "待傳送", "pending"},
	"bulletin.failed":          {"失败", "失敗", "failed"},
	"bulletin.uncertain":       {"结果不明", "結果不明", "uncertain"},
	"bulletin.no_targets":      {"没有可发送的地方（所选小区在已开通的平台上没有群）。", "沒有可傳送的地方（所選社區在已開通的平台上沒有群組）。", "Nowhere to send it: the communities have no group on the platforms that are on."},
	"bulletin.where":           {"发往", "發往", "To"},
	"bulletin.channel":         {"平台", "平台", "Platform"},
	"bulletin.state":           {"状态", "狀態", "State"},
	"bulletin.attempts":        {"尝试次数", "嘗試次數", "Tries"},
	"bulletin.detail":          {"说明", "說明", "Detail"},
	"bulletin.owner_of":        {"投诉 %s 的业主", "投訴 %s 的業主", "owner of %s"},
	"bulletin.state_pending":   {"待发送", "待傳送", "pending"},
	"bulletin.state_sending":   {"发送中", "傳送中", "sending"},
	"bulletin.state_sent":      {"已送达", "已送達", "sent"},
	"bulletin.state_dead":      {"失败", "失敗", "failed"},
	"bulletin.state_uncertain": {"结果不明", "結果不明", "uncertain"},
	"bulletin.uncertain_hint":  {"结果不明：发送时 heed 中断，可能已经收到，所以没有自动重发。重发的话，这些群可能收到两次。", "結果不明：傳送時 heed 中斷，可能已經收到，所以沒有自動重發。重發的話，這些群組可能收到兩次。", "Uncertain: heed stopped while sending, so they may have arrived and were not resent by themselves. Resent, those chats may see it twice."},
	"bulletin.resend":          {"重发结果不明的 %d 处", "重發結果不明的 %d 處", "Resend the %d uncertain"},
	"bulletin.resent":          {"已重新排队发送 %s 处。", "已重新排隊傳送 %s 處。", "%s queued again."},
	"bulletin.resent_none":     {"没有结果不明的发送。", "沒有結果不明的傳送。", "Nothing was uncertain."},
	"bulletin.failed_hint":     {"失败的可以在“发送失败”里重发", "失敗的可以在「傳送失敗」裡重發", "Failed ones can be retried under Dead letters"},

	"surveys.title":           {"满意度问卷", "滿意度問卷", "Satisfaction surveys"},
	"surveys.off":             {"这台服务器没有开启问卷。", "這台伺服器沒有開啟問卷。", "Surveys are not served here."},
	"surveys.start":           {"发起问卷", "發起問卷", "Start a survey"},
	"surveys.refused":         {"问卷没有发出：", "問卷沒有發出：", "The survey was not started:"},
	"surveys.none_configured": {"配置里没有问卷。", "設定裡沒有問卷。", "No survey is configured."},
	"surveys.survey":          {"问卷", "問卷", "Survey"},
	"surveys.community":       {"小区", "社區", "Community"},
	"surveys.closes_in":       {"开放多久", "開放多久", "Open for"},
	"surveys.closes_in_hint":  {"例如 7d（7 天）、48h、5wd（5 个工作日）、1mo", "例如 7d（7 天）、48h、5wd（5 個工作日）、1mo", "Such as 7d (7 days), 48h, 5wd (5 working days), 1mo"},
	"surveys.closes_at":       {"或截止日期", "或截止日期", "Or open through"},
	"surveys.closes_at_hint":  {"填了日期就不要填开放多久", "填了日期就不要填開放多久", "Give a date or a span, not both"},
	"surveys.send":            {"发给小区业主", "發給社區業主", "Send to the community's owners"},
	"surveys.runs":            {"已发起的问卷", "已發起的問卷", "Surveys sent"},
	"surveys.no_runs":         {"还没有发起过问卷。", "還沒有發起過問卷。", "No survey sent yet."},
	"surveys.opened":          {"发起", "發起", "Started"},
	"surveys.closes":          {"截止", "截止", "Closes"},
	"surveys.by":              {"发起人", "發起人", "By"},
	"surveys.closed":          {"已结束", "已結束", "closed"},
	"surveys.open":            {"进行中", "進行中", "open"},

	"survey.back":      {"← 全部问卷", "← 全部問卷", "← All surveys"},
	"survey.started":   {"问卷已发出。", "問卷已發出。", "The survey is on its way."},
	"survey.existing":  {"这个小区已经有同一份问卷在进行，没有重复发送。", "這個社區已經有同一份問卷在進行，沒有重複傳送。", "This survey is already open in the community: nothing was sent again."},
	"survey.figures":   {"回收情况", "回收情況", "Responses"},
	"survey.sent":      {"已发出", "已發出", "asked"},
	"survey.waiting":   {"待发出（业主在办其他事）", "待發出（業主在辦其他事）", "waiting (owner busy)"},
	"survey.responses": {"已回收", "已回收", "answered"},
	"survey.completed": {"完整作答", "完整作答", "completed"},
	"survey.opted_out": {"已退订未发", "已退訂未發", "opted out"},
	"survey.answers":   {"%d 人作答，%d 人跳过", "%d 人作答，%d 人跳過", "%d answered, %d skipped"},
	"survey.average":   {"均分", "平均分", "Average"},
	"survey.score":     {"%d 分", "%d 分", "%d"},
	"survey.no_texts":  {"还没有意见。", "還沒有意見。", "No answer yet."},

	"reports.title":             {"分析与报表", "分析與報表", "Analysis and register"},
	"reports.choose":            {"选择时期", "選擇期間", "Choose a period"},
	"reports.period":            {"时期", "期間", "Period"},
	"reports.show":              {"查看", "查看", "Show"},
	"reports.period_hint":       {"例如 2026、2026-Q3、2026-H1、2026-11 或 2026-01-01..2026-03-31", "例如 2026、2026-Q3、2026-H1、2026-11 或 2026-01-01..2026-03-31", "Such as 2026, 2026-Q3, 2026-H1, 2026-11 or 2026-01-01..2026-03-31"},
	"reports.bad_period":        {"看不懂这个时期：", "看不懂這個期間：", "That period cannot be read:"},
	"reports.of":                {"%s 的分析与登记簿", "%s 的分析與登記簿", "Analysis and register of %s"},
	"reports.analysis":          {"打开投诉分析（新窗口）", "開啟投訴分析（新視窗）", "Open the analysis (new window)"},
	"reports.analysis_download": {"下载分析 HTML", "下載分析 HTML", "Download it as HTML"},
	"reports.register_view":     {"在登记簿中查看这个时期的投诉", "在登記簿中查看這個期間的投訴", "See the period's cases in the register"},
	"reports.register_csv":      {"下载登记簿 CSV", "下載登記簿 CSV", "Download the register (CSV)"},
	"reports.register_xlsx":     {"下载登记簿 Excel", "下載登記簿 Excel", "Download the register (Excel)"},
	"reports.phones_hint":       {"登记簿按受理时间取这个时期的投诉；业主电话按您的权限显示或隐去中间四位。", "登記簿按受理時間取這個期間的投訴；業主電話依您的權限顯示或隱去中間四碼。", "The register holds the cases received in the period; owners' phones are shown or masked as you may see them."},
	"reports.this_quarter":      {"本季度", "本季", "This quarter"},
	"reports.last_quarter":      {"上季度", "上一季", "Last quarter"},
	"reports.this_month":        {"本月", "本月", "This month"},
	"reports.last_month":        {"上月", "上個月", "Last month"},
	"reports.this_year":         {"今年", "今年", "This year"},
	"reports.last_year":         {"去年", "去年", "Last year"},

	"dead.title":   {"发送失败的消息", "傳送失敗的訊息", "Dead letters"},
	"dead.count":   {"共 %d 条", "共 %d 則", "%d messages"},
	"dead.intro":   {"多次尝试后仍未送达、不会再自动重试的消息（不显示内容）。查明原因后可重发。", "多次嘗試後仍未送達、不會再自動重試的訊息（不顯示內容）。查明原因後可重發。", "Messages delivery gave up on after its tries (their text is not shown). Retry one once the cause is fixed."},
	"dead.retried": {"消息 %s 已重新排队发送。", "訊息 %s 已重新排隊傳送。", "Message %s is queued again."},
	"dead.none":    {"没有发送失败的消息。", "沒有傳送失敗的訊息。", "No dead letter."},
	"dead.number":  {"编号", "編號", "No."},
	"dead.to":      {"发往", "發往", "To"},
	"dead.case":    {"投诉", "投訴", "Case"},
	"dead.when":    {"排队于", "排隊於", "Queued"},
	"dead.why":     {"失败原因", "失敗原因", "Why it failed"},
	"dead.retry":   {"重发", "重發", "Retry"},
	"dead.group":   {"%s 业主群", "%s 業主群", "%s residents' group"},
	// end deskoffice.
	// deskwork: reply templates (replytemplates.go) and revisits (revisits.go).
	"nav.templates":    {"回复模板", "回覆範本", "Reply templates"},
	"nav.revisits":     {"回访", "回訪", "Revisits"},
	"tpl.title":        {"回复模板", "回覆範本", "Reply templates"},
	"tpl.count":        {"%d 个模板", "%d 個範本", "%d templates"},
	"tpl.intro":        {"公司预先写好的答复、无效说明和常用处理措施：在工作台和 Slack、Telegram 的表单里插入后再修改发送。", "公司預先寫好的答覆、無效說明和常用處理措施：在工作台和 Slack、Telegram 的表單裡插入後再修改送出。", "The company's prepared answers, invalid explanations and common measures: inserted into the forms here and in Slack and Telegram, then edited before sending."},
	"tpl.readonly":     {"只有客服专员和总经理可以编辑模板。", "只有客服專員和總經理可以編輯範本。", "Only the complaint specialists and the general manager edit templates."},
	"tpl.filter":       {"按用途筛选", "依用途篩選", "Filter by use"},
	"tpl.all":          {"全部", "全部", "All"},
	"tpl.kind.reply":   {"答复业主", "答覆業主", "Answer to the owner"},
	"tpl.kind.invalid": {"无效说明", "無效說明", "Invalid explanation"},
	"tpl.kind.measure": {"处理措施", "處理措施", "Measures"},
	"tpl.kind":         {"用途", "用途", "Used for"},
	"tpl.category":     {"投诉类别", "投訴類別", "Category"},
	"tpl.any_category": {"所有类别", "所有類別", "Every category"},
	"tpl.field_title":  {"标题", "標題", "Title"},
	"tpl.body":         {"正文", "正文", "Text"},
	"tpl.body_hint":    {"发送前可以修改。最多 3000 字。", "送出前可以修改。最多 3000 字。", "It can be edited before it is sent. 3,000 characters at most."},
	"tpl.save":         {"保存模板", "儲存範本", "Save the template"},
	"tpl.saved":        {"模板已保存。", "範本已儲存。", "The template is saved."},
	"tpl.new":          {"新建模板", "新增範本", "New template"},
	"tpl.edit":         {"编辑", "編輯", "Edit"},
	"tpl.delete":       {"删除", "刪除", "Delete"},
	"tpl.back":         {"返回模板列表", "返回範本列表", "Back to the templates"},
	"tpl.none":         {"还没有模板。", "還沒有範本。", "No templates yet."},
	"tpl.updated":      {"%s 更新于 %s", "%s 更新於 %s", "updated by %s, %s"},
	"tpl.insert":       {"插入模板", "插入範本", "Insert a template"},
	"tpl.choose":       {"选择模板…", "選擇範本…", "Choose a template…"},

	"rv.title":            {"回访", "回訪", "Revisits"},
	"rv.counts":           {"待电话回访 %d 件 · 等待业主回答 %d 件 · 尚未发出问卷 %d 件", "待電話回訪 %d 件 · 等待業主回答 %d 件 · 尚未發出問卷 %d 件", "%d to call · %d waiting for the owner · %d not asked yet"},
	"rv.intro":            {"每件有效投诉答复后都要回访。业主在聊天中没有按时回答、或没有可用的聊天时，请电话回访并在这里录入业主的回答。", "每件有效投訴答覆後都要回訪。業主在聊天中沒有按時回答、或沒有可用的聊天時，請電話回訪並在這裡錄入業主的回答。", "Every valid case is revisited after its answer. When the owner does not answer on chat in time, or no chat reaches them, call and enter their answers here."},
	"rv.to_call":          {"电话回访名单", "電話回訪名單", "To call"},
	"rv.asked":            {"已在聊天中发出问卷", "已在聊天中發出問卷", "Asked on chat"},
	"rv.not_asked":        {"已答复，问卷尚未发出", "已答覆，問卷尚未發出", "Answered, questionnaire not sent yet"},
	"rv.answered":         {"最近 7 天已回访", "最近 7 天已回訪", "Revisited in the last 7 days"},
	"rv.none":             {"没有。", "沒有。", "None."},
	"rv.capped":           {"只列出最早的 %d 件待回访投诉，较新的没有列出：请先处理这些。", "只列出最早的 %d 件待回訪投訴，較新的沒有列出：請先處理這些。", "Only the oldest %d cases waiting for a revisit are listed; newer ones are not: work through these first."},
	"rv.none_to_call":     {"现在没有需要电话回访的业主。", "現在沒有需要電話回訪的業主。", "Nobody to call now."},
	"rv.phone":            {"电话", "電話", "Phone"},
	"rv.why":              {"原因", "原因", "Why"},
	"rv.why.no_answer":    {"聊天中没有按时回答", "聊天中沒有按時回答", "No answer on chat in time"},
	"rv.why.recorded":     {"员工代为登记，没有聊天", "員工代為登記，沒有聊天", "Recorded by staff, no chat"},
	"rv.why.opted_out":    {"业主已退订问卷", "業主已退訂問卷", "The owner opted out"},
	"rv.why.blocked":      {"业主已屏蔽或取消关注", "業主已封鎖或取消追蹤", "The owner blocked heed"},
	"rv.why.no_chat":      {"找不到业主的聊天", "找不到業主的聊天", "No chat found"},
	"rv.sent":             {"问卷发出于 %s", "問卷發出於 %s", "asked %s"},
	"rv.reminded":         {"已提醒", "已提醒", "reminded"},
	"rv.enter":            {"录入电话回访", "錄入電話回訪", "Enter a phone revisit"},
	"rv.not_drawn":        {"另有 %d 件按抽样比例不回访。", "另有 %d 件依抽樣比例不回訪。", "%d more were not drawn by the sampling ratio."},
	"rv.how":              {"回访方式", "回訪方式", "How"},
	"rv.via_phone":        {"电话（%s）", "電話（%s）", "Phone (%s)"},
	"rv.via_chat":         {"业主在聊天中回答", "業主在聊天中回答", "The owner on chat"},
	"rv.scores":           {"评分", "評分", "Scores"},
	"rv.timeliness":       {"及时性", "及時性", "Timeliness"},
	"rv.satisfaction":     {"满意度", "滿意度", "Satisfaction"},
	"rv.attitude":         {"态度", "態度", "Attitude"},
	"rv.done":             {"%s 的电话回访已保存。", "%s 的電話回訪已儲存。", "The phone revisit of %s is saved."},
	"rv.call_title":       {"电话回访 %s", "電話回訪 %s", "Phone revisit %s"},
	"rv.back":             {"返回回访名单", "返回回訪名單", "Back to the revisits"},
	"rv.reply":            {"给业主的答复", "給業主的答覆", "The answer the owner got"},
	"rv.state":            {"回访状态", "回訪狀態", "Revisit"},
	"rv.state.asked":      {"已在聊天中发出问卷，等待回答", "已在聊天中發出問卷，等待回答", "Asked on chat, waiting"},
	"rv.state.not_asked":  {"问卷尚未发出", "問卷尚未發出", "Not asked yet"},
	"rv.state.not_drawn":  {"按抽样比例不回访", "依抽樣比例不回訪", "Not drawn by sampling"},
	"rv.state.answered":   {"已回访", "已回訪", "Revisited"},
	"rv.call_intro":       {"请按业主的语言读出问题（灰色字），录入业主的回答。满意度为 1–2 分时投诉会重新交由责任部门处理。", "請依業主的語言讀出問題（灰色字），錄入業主的回答。滿意度為 1–2 分時投訴會重新交由責任部門處理。", "Read the questions out as the owner is asked them (in grey) and enter the answers. A satisfaction of 1–2 reopens the case to its department."},
	"rv.suggestions":      {"意见或建议（业主原话）", "意見或建議（業主原話）", "Opinions or suggestions (the owner's words)"},
	"rv.specialists_only": {"只有客服专员可以录入电话回访。", "只有客服專員可以錄入電話回訪。", "Only the complaint specialists enter phone revisits."},
	"rv.save":             {"保存回访结果", "儲存回訪結果", "Save the revisit"},
	"rv.score.1":          {"非常不满意", "非常不滿意", "very dissatisfied"},
	"rv.score.2":          {"不满意", "不滿意", "dissatisfied"},
	"rv.score.3":          {"一般", "普通", "neutral"},
	"rv.score.4":          {"满意", "滿意", "satisfied"},
	"rv.score.5":          {"非常满意", "非常滿意", "very satisfied"},
	// deskwork end.
}
