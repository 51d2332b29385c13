package server

import "github.com/formtest/formtest/server/cookiecodec"

func decodeForTest(value string, opts cookiecodec.Options) (map[string]any, error) {
	res, err := cookiecodec.Decode(value, opts)
	if err != nil {
		return nil, err
	}
	return res.Values, nil
}
