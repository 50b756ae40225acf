package notify

import "testing"

func TestMaskPhonesInCardText(t *testing.T) {
	for in, want := range map[string]string{
		"王女士 13812345678 星河湾3栋2单元1102 楼上漏水":  "王女士 138****5678 星河湾3栋2单元1102 楼上漏水",
		"电话 138 1234 5678，晚上打":               "电话 138****5678，晚上打",
		"13812345678 3栋漏水":                   "138****5678 3栋漏水",
		"座机 027-88886666 或 +852 9123 4567":   "座机 027****6666 或 +85****4567",
		"11月26日 9:00-12:00 停水，2026-11-26 通知": "11月26日 9:00-12:00 停水，2026-11-26 通知",
		"物业费 3500 元，房号 1102":                 "物业费 3500 元，房号 1102",
	} {
		if got := maskPhones(in); got != want {
			t.Errorf("maskPhones(%q) = %q, want %q", in, got, want)
		}
	}
}
