package cases_test

import (
	"testing"

	"github.com/heedhq/heed/cases"
)

// TestMaskPhones is the one test of the masking rules: whatever staff read
// (a card, a survey summary) shows a telephone number as 138****5678, and
// every other number as written.
func TestMaskPhones(t *testing.T) {
	for in, want := range map[string]string{
		// Mainland mobiles, however written.
		"请联系我 13812345678":                  "请联系我 138****5678",
		"电话13812345678谢谢":                   "电话138****5678谢谢",
		"楼上漏水，电话13812345678，谢谢":             "楼上漏水，电话138****5678，谢谢",
		"call 138 1234 5678 please":         "call 138****5678 please",
		"电话 138 1234 5678，晚上打":              "电话 138****5678，晚上打",
		"13812345678,13912345678":           "138****5678,139****5678",
		"王女士 13812345678 星河湾3栋2单元1102 楼上漏水": "王女士 138****5678 星河湾3栋2单元1102 楼上漏水",
		"13812345678 3栋漏水":                  "138****5678 3栋漏水", // the number is only part of the run
		"１３８１２３４５６７８":                       "１３８****５６７８",      // full-width digits stay as written
		"tel 138-1234-5678.":                "tel 138****5678.",
		// +86: the country code goes, the mobile is masked as at home.
		"+86 139-1234-5678 或 8613912345678": "139****5678 或 139****5678",
		"+8613812345678":                    "138****5678",
		"＋86 138 1234 5678":                 "138****5678",
		// Landlines with their area code, and other countries' numbers.
		"座机 027-88886666 或 +852 9123 4567": "座机 027****6666 或 +85****4567",
		"香港 +852 9123 4567 联系":             "香港 +85****4567 联系",
		"3栋2单元1102，座机 010-12345678":        "3栋2单元1102，座机 010****5678",
		// Other numbers, and short or odd ones, as written.
		"3栋2单元1102 漏水":                       "3栋2单元1102 漏水",
		"11月26日 9:00-12:00 停水，2026-11-26 通知": "11月26日 9:00-12:00 停水，2026-11-26 通知",
		"物业费 3500 元，房号 1102":                 "物业费 3500 元，房号 1102",
		"订单号 2026120612345678":               "订单号 2026120612345678", // longer than a phone number
		"订单 202611181234567":                 "订单 202611181234567",
		"12345678901":                        "12345678901", // not a mobile's prefix
		"1381234567":                         "1381234567",  // a digit short
		"138123456789":                       "138123456789",
		"+1":                                 "+1",
		"":                                   "",
	} {
		if got := cases.MaskPhones(in); got != want {
			t.Errorf("MaskPhones(%q) = %q, want %q", in, got, want)
		}
	}
	// One number: the middle hidden; too short to hide a middle, all of it.
	for in, want := range map[string]string{"13812345678": "138****5678", "+85291234567": "+85****4567", "110": "***", "": ""} {
		if got := cases.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
