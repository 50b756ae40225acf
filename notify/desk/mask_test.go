package desk

import (
	"strings"
	"testing"
)

func TestMaskPhonesInText(t *testing.T) {
	for in, want := range map[string]string{
		"楼上漏水，电话13812345678，谢谢":     "楼上漏水，电话138****5678，谢谢",
		"call 138 1234 5678 please": "call 138****5678 please",
		"香港 +852 9123 4567 联系":      "香港 +85****4567 联系",
		"3栋2单元1102 漏水":              "3栋2单元1102 漏水",
		"13812345678,13912345678":   "138****5678,139****5678",
		"订单号 2026120612345678":      "订单号 2026120612345678",
	} {
		got := MaskPhones(in)
		if got != want {
			t.Errorf("MaskPhones(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(got, "12345678") && strings.Contains(in, "138") {
			t.Errorf("a number left whole: %q", got)
		}
	}
}
