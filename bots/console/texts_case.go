package console

import (
	"slices"

	"github.com/heedhq/heed/cases"
)

// The case, print and owner pages' words (case.go, case_actions.go,
// print.go, owner.go): part of texts.go's one table, added from here so
// that each page's words stay together.
func init() {
	for k, v := range caseTexts {
		if _, dup := texts[k]; dup {
			panic("desk texts: " + k + " given twice")
		}
		texts[k] = v
	}
}

var caseTexts = map[string][3]string{
	"case.title":           {"投诉处理记录", "投訴處理記錄", "Complaint record"},
	"case.print":           {"打印 B01 记录表和派工单", "列印 B01 記錄表和派工單", "Print the B01 record and the dispatch notice"},
	"case.owner_page":      {"这位业主的全部投诉", "這位業主的全部投訴", "All of this owner's complaints"},
	"case.photos":          {"照片和附件", "照片和附件", "Photos and files"},
	"case.file_platform":   {"（保存在 %s）", "（保存在 %s）", "(kept at %s)"},
	"case.no_photos":       {"没有照片或附件。", "沒有照片或附件。", "No photos or files."},
	"case.links":           {"重复、集体和相关投诉", "重複、集體和相關投訴", "Repeat, collective and related cases"},
	"case.no_links":        {"没有关联的投诉。", "沒有關聯的投訴。", "No linked cases."},
	"case.conversation":    {"与业主的全部对话", "與業主的全部對話", "The owner's whole conversation"},
	"case.by_owner":        {"业主", "業主", "Owner"},
	"case.no_conversation": {"这位业主没有在聊天中与 heed 对话（电话、来访或信函登记）。", "這位業主沒有在聊天中與 heed 對話（電話、來訪或信函登記）。", "This owner has not talked to heed in a chat (taken by phone, in person or by letter)."},
	"case.next":            {"下一时限：%s，%s", "下一時限：%s，%s", "next deadline: %s, %s"},
	"case.actions":         {"您现在可以", "您現在可以", "What you can do now"},
	"case.no_actions":      {"您现在没有可对这件投诉执行的操作。", "您現在沒有可對這件投訴執行的操作。", "There is nothing for you to do on this case now."},
	"case.optional":        {"（可不填）", "（可不填）", "(optional)"},
	"case.record":          {"客户投诉处理记录表（B01）", "客戶投訴處理記錄表（B01）", "Complaint handling record (B01)"},
	"case.deadlines":       {"各环节时限", "各環節時限", "Deadlines of each step"},
	"case.due":             {"时限", "時限", "Due"},
	"case.done_at":         {"完成于", "完成於", "Done at"},
	"case.outcome":         {"结果", "結果", "Outcome"},
	"case.timeline":        {"处理经过", "處理經過", "Timeline"},
	"case.via":             {"经 %s", "經 %s", "via %s"},
	"case.yes":             {"是", "是", "yes"},
	"case.no":              {"否", "否", "no"},
	"case.review":          {"审核意见", "審核意見", "Review opinion"},
	"case.approved_by":     {"（%s 批准）", "（%s 核准）", "(approved by %s)"},
	"case.revisit":         {"回访", "回訪", "Revisit"},
	"case.result":          {"处理结果", "處理結果", "Result"},

	"dl.met":        {"按时完成", "準時完成", "met in time"},
	"dl.late":       {"逾期完成", "逾期完成", "met late"},
	"dl.missed":     {"已逾期", "已逾期", "missed"},
	"dl.open":       {"进行中", "進行中", "running"},
	"dl.superseded": {"已取消（重新派单）", "已取消（重新派單）", "replaced (dispatched again)"},

	"link.related":           {"相关", "相關", "related"},
	"link.collective_member": {"集体投诉", "集體投訴", "collective"},
	"link.repeat_of":         {"重复投诉", "重複投訴", "repeat"},

	// Actions: the buttons of the case page and the steps of its timeline.
	"act.create":                 {"登记投诉", "登記投訴", "Recorded"},
	"act.judge_valid":            {"判定有效", "判定有效", "Judged valid"},
	"act.judge_invalid":          {"判定无效", "判定無效", "Judge invalid"},
	"act.dispatch":               {"派单", "派單", "Dispatch"},
	"act.transfer":               {"转派", "轉派", "Transfer"},
	"act.acknowledge":            {"受理", "受理", "Acknowledge"},
	"act.assign_handler":         {"指派经办人", "指派經辦人", "Name the handler"},
	"act.investigate":            {"开始调查", "開始調查", "Start investigating"},
	"act.propose_measures":       {"提交处理措施", "提交處理措施", "Propose measures"},
	"act.review":                 {"审核处理措施", "審核處理措施", "Measures reviewed"},
	"act.approve_reply":          {"同意并答复业主", "同意並答覆業主", "Accept and answer the owner"},
	"act.return_measures":        {"退回处理措施", "退回處理措施", "Return the measures"},
	"act.approve":                {"批准", "核准", "Approve"},
	"act.reply":                  {"答复业主", "答覆業主", "Answer the owner"},
	"act.feedback":               {"业主反馈", "業主反饋", "Owner's feedback"},
	"act.verify":                 {"回访", "回訪", "Revisit"},
	"act.close":                  {"闭合", "結案", "Close"},
	"act.archive":                {"归档", "歸檔", "Archive"},
	"act.reopen":                 {"重新处理", "重新處理", "Reopened"},
	"act.flag_major":             {"标记重大投诉", "標記重大投訴", "Flag as major"},
	"act.add_info":               {"补充信息", "補充資訊", "Added information"},
	"act.note":                   {"添加备注", "新增備註", "Add a note"},
	"act.responsibility":         {"责任界定", "責任界定", "Responsibility"},
	"act.request_person":         {"业主要求人工", "業主要求真人", "Owner asked for a person"},
	"act.assist":                 {"协办部门", "協辦部門", "Assisting departments"},
	"act.refer_developer":        {"转交开发商", "轉交開發商", "Refer to the developer"},
	"act.developer_remind":       {"提醒开发商", "提醒開發商", "Developer reminded"},
	"act.developer_answer":       {"录入开发商答复", "錄入開發商答覆", "Enter the developer's answer"},
	"act.head_office":            {"上报总部", "上報總部", "Escalate to head office"},
	"act.escalate":               {"申请升级", "申請升級", "Ask the desk to take it up"},
	"act.propose_invalid":        {"提出无效", "提出無效", "Propose invalid"},
	"act.reclassify":             {"更改类别", "更改類別", "Change the category"},
	"act.capa":                   {"登记 CAPA 编号", "登記 CAPA 編號", "Record the CAPA number"},
	"act.accountability":         {"登记责任追究", "登記責任追究", "Record accountability"},
	"act.link_related":           {"关联投诉", "關聯投訴", "Linked a related case"},
	"act.link_collective_member": {"并入集体投诉", "併入集體投訴", "Joined to a collective case"},
	"act.link_repeat_of":         {"标记重复投诉", "標記重複投訴", "Marked as a repeat"},
	"act.deadline_missed":        {"时限逾期", "時限逾期", "Deadline missed"},
	"act.deadline_reminder":      {"时限提醒", "時限提醒", "Deadline reminder"},

	// What an action's text is (its form's label).
	"field.judge_invalid":    {"无效原因（将向业主说明）", "無效原因（將向業主說明）", "Why it is invalid (explained to the owner)"},
	"field.propose_measures": {"处理措施", "處理措施", "Measures"},
	"field.approve_reply":    {"答复业主的内容（发送前可修改）", "答覆業主的內容（傳送前可修改）", "The answer to the owner (edit before it goes)"},
	"field.reply":            {"答复业主的内容（发送前可修改）", "答覆業主的內容（傳送前可修改）", "The answer to the owner (edit before it goes)"},
	"field.return_measures":  {"退回意见", "退回意見", "Why they go back"},
	"field.flag_major":       {"重大投诉的原因", "重大投訴的原因", "Why it is major"},
	"field.escalate":         {"升级原因", "升級原因", "Why the desk should take it up"},
	"field.propose_invalid":  {"无效原因", "無效原因", "Why it is invalid"},
	"field.refer_developer":  {"开发商遗留问题的说明（将告知业主）", "開發商遺留問題的說明（將告知業主）", "The developer's defect (told to the owner)"},
	"field.developer_answer": {"开发商的答复（将转告业主）", "開發商的答覆（將轉告業主）", "The developer's answer (relayed to the owner)"},
	"field.head_office":      {"上报总部的说明", "上報總部的說明", "What head office is told"},
	"field.capa":             {"纠正/预防措施报告编号", "糾正/預防措施報告編號", "CAPA report number"},
	"field.accountability":   {"责任人及追究措施", "責任人及追究措施", "Who is accountable, and what is done"},
	"field.note":             {"备注（各部门可见）", "備註（各部門可見）", "Note (every department sees it)"},

	"input.department":        {"部门", "部門", "Department"},
	"input.handler":           {"经办人", "經辦人", "Handler"},
	"input.category":          {"投诉类别", "投訴類別", "Category"},
	"input.assisting":         {"协办部门（可多选）", "協辦部門（可多選）", "Assisting departments (any number)"},
	"input.responsibility":    {"责任界定", "責任界定", "Responsibility"},
	"input.responsible_staff": {"责任人", "責任人", "Responsible staff"},
	"input.accountability":    {"责任追究", "責任追究", "Accountability"},
	"input.capa_report":       {"纠正/预防措施报告编号", "糾正/預防措施報告編號", "CAPA report number"},

	"print.b01":             {"客户投诉处理记录表", "客戶投訴處理記錄表", "Complaint handling record"},
	"print.back":            {"返回投诉", "返回投訴", "Back to the case"},
	"print.hint":            {"用浏览器的打印功能打印本页：记录表和派工单各占一页。", "用瀏覽器的列印功能列印本頁：記錄表和派工單各佔一頁。", "Print this page from the browser: the record and the notice each take a page."},
	"print.printed":         {"打印于 %s", "列印於 %s", "printed %s"},
	"print.sign_specialist": {"投诉专员签字：", "投訴專員簽名：", "Specialist's signature:"},
	"print.sign_department": {"部门负责人签字：", "部門負責人簽名：", "Department head's signature:"},
	"print.sign_date":       {"日期：", "日期：", "Date:"},
	"print.notice":          {"派工单（处理通知单）", "派工單（處理通知單）", "Dispatch notice (派工单)"},
	"print.not_dispatched":  {"尚未派单", "尚未派單", "not dispatched yet"},
	"print.dispatched_at":   {"派单时间", "派單時間", "Dispatched at"},
	"print.dispatched_by":   {"派单人", "派單人", "Dispatched by"},
	"print.investigate_by":  {"开始调查时限", "開始調查時限", "Investigate by"},
	"print.measures_by":     {"处理措施时限", "處理措施時限", "Measures by"},
	"print.completed":       {"完成情况", "完成情況", "Work done"},
	"print.sign_handler":    {"经办人签字：", "經辦人簽名：", "Handler's signature:"},
	"print.sign_manager":    {"部门经理签字：", "部門經理簽名：", "Manager's signature:"},

	"owner.title":         {"业主", "業主", "Owner"},
	"owner.identities":    {"联系方式和聊天身份", "聯絡方式和聊天身分", "Phones and chat identities"},
	"owner.channel":       {"渠道", "管道", "Channel"},
	"owner.identity":      {"身份", "身分", "Identity"},
	"owner.name":          {"称呼", "稱呼", "Name"},
	"owner.language":      {"语言", "語言", "Language"},
	"owner.optout":        {"订阅", "訂閱", "Subscription"},
	"owner.opted_out":     {"已退订（不发公告、问卷）", "已退訂（不發公告、問卷）", "opted out (no bulletins or surveys)"},
	"owner.blocked":       {"已屏蔽 heed（%s）", "已封鎖 heed（%s）", "blocked heed (%s)"},
	"owner.subscribed":    {"接收", "接收", "receives"},
	"owner.last_seen":     {"最近对话", "最近對話", "Last talked"},
	"owner.no_identities": {"这位业主没有聊天身份：投诉由员工代为登记。", "這位業主沒有聊天身分：投訴由員工代為登記。", "This owner has no chat identity: their complaints were recorded by staff."},
	"owner.complaints":    {"全部投诉（各渠道）", "全部投訴（各管道）", "Every complaint (all channels)"},
	"owner.capped":        {"只列出最近 200 件。", "只列出最近 200 件。", "Only the latest 200 are listed."},
}

// ActLabel is an action's button in the page's language, else the desk's
// own label.
func (v *View) ActLabel(name, fallback string) string { return v.Label("act."+name, fallback) }

// Label is key's text, else fallback (the desk's words for it).
func (v *View) Label(key, fallback string) string {
	if _, ok := texts[key]; ok {
		return v.T(key)
	}
	return fallback
}

// OptionLabel names an option of an action's form: a responsibility
// finding in the page's language; departments, people and categories by
// the company's own names, as the desk gives them.
func (v *View) OptionLabel(value, fallback string) string {
	if slices.Contains(cases.Responsibilities, value) {
		return v.Responsibility(value)
	}
	return fallback
}

// Has says whether list holds s.
func (v *View) Has(list []string, s string) bool { return slices.Contains(list, s) }
