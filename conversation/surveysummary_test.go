package conversation

import "testing"

func TestMaskPhones(t *testing.T) {
	for in, want := range map[string]string{
		"请联系我 13812345678":                  "请联系我 138****5678",
		"电话13812345678谢谢":                   "电话138****5678谢谢",
		"+86 139-1234-5678 或 8613912345678": "139****5678 或 139****5678",
		"１３８１２３４５６７８":                       "１３８****５６７８",
		"138 1234 5678":                     "138****5678",
		"订单 202611181234567":                "订单 202611181234567", // longer than a phone number
		"3栋2单元1102，座机 010-12345678":         "3栋2单元1102，座机 010-12345678",
		"12345678901":                       "12345678901", // not a mobile prefix
	} {
		if got := maskPhones(in); got != want {
			t.Errorf("maskPhones(%q) = %q, want %q", in, got, want)
		}
	}
}
