package runner

import (
	"errors"

	"github.com/statecraft/statecraft/configs"
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

func sensitivityDesign(s *configs.Sensitivity, k int, seed uint64) ([][]float64, error) {
	return nil, errors.New("not yet")
}
