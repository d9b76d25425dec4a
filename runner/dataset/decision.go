package dataset

import (
	"fmt"
	"path/filepath"
)

// DecisionPaths returns the paths of the decision layer's files: the
// decisions as JSON (_decision.json) and as text tables
// (_decision.txt). Only a whole dataset has them: an unsharded run's, or
// a merged one's.
func (s *Shard) DecisionPaths() (jsonPath, textPath string) {
	return filepath.Join(s.Dir, metaMark+decisionStem+".json"), filepath.Join(s.Dir, metaMark+decisionStem+".txt")
}

// WriteDecisions stores the decisions (DecisionPaths), each file under a
// temporary name renamed when complete.
func (s *Shard) WriteDecisions(jsonData, text []byte) error {
	jsonPath, textPath := s.DecisionPaths()
	for _, f := range []struct {
		path    string
		content []byte
	}{{jsonPath, jsonData}, {textPath, text}} {
		if err := writeAtomic(s.Dir, filepath.Base(f.path), f.content); err != nil {
			return fmt.Errorf("decisions: %w", err)
		}
	}
	return nil
}

// WriteReport stores the dataset's HTML report in dir (ReportName), under
// a temporary name renamed when complete, and returns its path.
func WriteReport(dir string, html []byte) (string, error) {
	if err := writeAtomic(dir, ReportName, html); err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return filepath.Join(dir, ReportName), nil
}
