package wechat

import (
	"context"

	"github.com/silenceper/wechat/v2/officialaccount/menu"
)

// Keys of the account menu's buttons (CLICK events).
const (
	MenuComplaint = "complaint" // 投诉: how to complain
	MenuStatus    = "status"    // 查询进度: the owner's cases
	MenuHuman     = "human"     // 联系客服: a specialist calls back
)

// Menu is the account's custom menu (自定义菜单) PublishMenu sets.
func Menu() []*menu.Button {
	return []*menu.Button{
		new(menu.Button).SetClickButton("投诉", MenuComplaint),
		new(menu.Button).SetClickButton("查询进度", MenuStatus),
		new(menu.Button).SetClickButton("联系客服", MenuHuman),
	}
}

// PublishMenu sets the account's menu through menu/create (`heed wechat
// menu`). It replaces the menu edited in the console, which WeChat switches
// off once the developer mode (服务器配置) is on anyway. The change reaches
// owners within minutes (at once for new followers).
func (b *Bot) PublishMenu(ctx context.Context) error {
	_, err := b.call(ctx, "menu/create", nil, struct {
		Button []*menu.Button `json:"button"`
	}{Menu()}, nil)
	return err
}
