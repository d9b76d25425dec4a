package dataset

import (
	"fmt"
	"os"
	"strconv"
)

// Removing an overwritten dataset's part files can take as long as a small
// run: the file system frees every extent of a file at its unlink (ext4
// mounted with discard took 12 ms for each 32 MB part of the pp benchmark,
// a seventh of its run). A run that holds the directory's lock therefore
// renames them out of the way, to trash names, and unlinks them in the
// background while it computes. The trash names are temporary files of
// the run's own (TrashName), so a run killed before they are gone leaves
// nothing that a later run into the directory does not remove. Commit
// waits for the removal before it publishes anything, and so does the
// lock's release: no dataset is committed, and no run ends, with trash
// beside it.
//
// Only when the file system has room for both datasets: a run into a
// nearly full disk removes the old files first, as before, so that it does
// not fail for space the old dataset still held.

// trashRoom is how many times the overwritten files' size the file system
// must have free for them to be removed in the background.
const trashRoom = 2

// freeSpace is freeBytes, and removeHook runs before the background
// removal, if set: tests replace them.
var (
	freeSpace  = freeBytes
	removeHook func()
)

// trashName returns the temporary name of overwritten file i of the run
// while it is being removed: .part-SHARD-trash-I.tmp in the dataset
// directory.
func (s *Shard) trashName(i int) string {
	return tempName(s.ownPrefix() + "trash-" + strconv.Itoa(i))
}

// removeOld removes the overwritten files old (names relative to Dir): in
// the background if the run holds the lock and the file system has room
// (see above), else at once.
func (s *Shard) removeOld(old []string) error {
	if s.locked && len(old) > 0 {
		trash, err := s.toTrash(old)
		if err != nil {
			return err
		}
		if trash != nil {
			hook("trashed")
			done := make(chan struct{})
			s.removing = done
			go func() {
				defer close(done)
				if removeHook != nil {
					removeHook()
				}
				for _, p := range trash {
					os.Remove(p) // what stays is a temporary file of the run's, which the next run removes
				}
			}()
			return nil
		}
	}
	for _, n := range old {
		if err := os.Remove(s.Path(n)); err != nil {
			return fmt.Errorf("output directory %s: %w", s.Dir, err)
		}
	}
	return nil
}

// toTrash renames the files old to trash names and returns their paths,
// or returns nil, having renamed nothing, if the file system has not the
// room to keep them while the run writes.
func (s *Shard) toTrash(old []string) ([]string, error) {
	var size uint64
	for _, n := range old {
		fi, err := os.Lstat(s.Path(n))
		if err != nil {
			return nil, fmt.Errorf("output directory %s: %w", s.Dir, err)
		}
		size += uint64(fi.Size())
	}
	if free, ok := freeSpace(s.root()); !ok || free/trashRoom < size {
		return nil, nil
	}
	trash := make([]string, 0, len(old))
	for i, n := range old {
		p := s.Path(s.trashName(i))
		if err := os.Rename(s.Path(n), p); err != nil {
			// remove what is renamed already; the rest is removed at once
			for _, t := range trash {
				os.Remove(t)
			}
			return nil, nil
		}
		trash = append(trash, p)
	}
	return trash, nil
}

// waitRemoved waits until the background removal of the overwritten files
// is done. A file it could not remove (the rename succeeded, so this is
// rare) is not an error: it keeps its trash name, a temporary file of the
// run's that the next run into the directory removes, and failing a
// finished run's commit for it would cost the run.
func (s *Shard) waitRemoved() {
	if s.removing != nil {
		<-s.removing
		s.removing = nil
	}
}
