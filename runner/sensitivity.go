package runner

import (
	"errors"
	"io"
)

// SensitivityResult holds the sensitivity indices of one KPI.
type SensitivityResult struct {
	KPI string `json:"kpi"`
}

func (p *Plan) sensitivity(rows []kpiRow) ([]SensitivityResult, error) {
	return nil, errors.New("not yet")
}

func writeSensitivity(w io.Writer, r []SensitivityResult) {}
