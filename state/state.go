// Package state keeps what clinicbot must not forget across a crash or a
// restart, in one bbolt database file in the state folder:
//
//   - the updates taken from Telegram and not yet answered, so that a
//     restart answers them;
//   - the ids of updates answered recently, so that an update Telegram
//     delivers again is not answered twice;
//   - the outbox: replies decided but not yet sent, so that a restart
//     sends them.
//
// Every change is committed (and synced to disk) before the caller goes
// on, so what a method reports done survives kill -9. The package knows
// nothing of Telegram: updates and replies are opaque bytes with the few
// fields needed to order and route them.
package state

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// FileName is the database file inside the state folder.
const FileName = "clinicbot.db"

var (
	bucketTaken    = []byte("taken")    // update id -> Update JSON
	bucketAnswered = []byte("answered") // update id -> unix seconds when answered
	bucketOutbox   = []byte("outbox")   // sequence -> Reply JSON
	bucketMeta     = []byte("meta")     // "offset" -> next getUpdates offset
	keyOffset      = []byte("offset")
)

// Store is an open state folder. Its methods are safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
}

// Update is an update taken from Telegram: its id and its JSON as received.
type Update struct {
	ID  int64
	Raw json.RawMessage
}

// Reply is one message waiting in the outbox.
type Reply struct {
	// Key orders the outbox and names the entry; Finish and Outbox set it.
	Key uint64 `json:"-"`
	// Update is the update this reply answers (0 for none).
	Update int64 `json:"update"`
	// Part and Parts number the messages of one reply (1-based).
	Part  int `json:"part"`
	Parts int `json:"parts"`
	// Chat is where it goes; Lane is who in the chat it answers (the
	// sender, in a group; the chat otherwise).
	Chat int64 `json:"chat"`
	Lane int64 `json:"lane"`
	// Urgent replies go at once, beside the chat's queue.
	Urgent bool `json:"urgent,omitempty"`
	// First replies go ahead of the chat's queue (a notice about it).
	First bool `json:"first,omitempty"`
	// Attempts counts sends begun. A reply found in the outbox at start
	// with Attempts > 0 was perhaps delivered before a crash.
	Attempts int `json:"attempts,omitempty"`
	// Payload is the message itself, in the caller's encoding.
	Payload json.RawMessage `json:"payload"`
}

// Open opens (creating if need be) the state in dir. Only one process may
// have a state folder open: a second one waits a few seconds, then fails.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("state: no folder given (state_dir)")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state: cannot create the state folder: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("state: %s is in use by another clinicbot process (each needs its own state_dir)", path)
		}
		return nil, fmt.Errorf("state: cannot open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketTaken, bucketAnswered, bucketOutbox, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("state: %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func idKey(id int64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, uint64(id))
	return k
}

func keyID(k []byte) int64 { return int64(binary.BigEndian.Uint64(k)) }

// Take records updates as taken, in one commit, and moves the stored
// getUpdates offset past the highest id. It returns the updates that are
// new: an update already taken or answered is a redelivery and is left
// out.
func (s *Store) Take(updates []Update) ([]Update, error) {
	var fresh []Update
	err := s.db.Update(func(tx *bolt.Tx) error {
		fresh = fresh[:0]
		taken, answered, meta := tx.Bucket(bucketTaken), tx.Bucket(bucketAnswered), tx.Bucket(bucketMeta)
		offset := readOffset(meta)
		for _, u := range updates {
			if u.ID <= 0 {
				continue
			}
			offset = max(offset, u.ID+1)
			k := idKey(u.ID)
			if taken.Get(k) != nil || answered.Get(k) != nil {
				continue
			}
			if err := taken.Put(k, u.Raw); err != nil {
				return err
			}
			fresh = append(fresh, u)
		}
		return meta.Put(keyOffset, idKey(offset))
	})
	if err != nil {
		return nil, fmt.Errorf("state: take updates: %w", err)
	}
	return fresh, nil
}

func readOffset(meta *bolt.Bucket) int64 {
	if v := meta.Get(keyOffset); len(v) == 8 {
		return keyID(v)
	}
	return 0
}

// Offset is the getUpdates offset that confirms every update taken (0
// before the first).
func (s *Store) Offset() (int64, error) {
	var off int64
	err := s.db.View(func(tx *bolt.Tx) error {
		off = readOffset(tx.Bucket(bucketMeta))
		return nil
	})
	return off, err
}

// Taken returns the updates taken and not yet answered, lowest id first.
func (s *Store) Taken() ([]Update, error) {
	var out []Update
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTaken).ForEach(func(k, v []byte) error {
			out = append(out, Update{ID: keyID(k), Raw: append(json.RawMessage(nil), v...)})
			return nil
		})
	})
	return out, err
}

// Finish records update id as answered and puts its replies in the
// outbox, in one commit; it returns the replies with their keys. Id 0
// (no update, or a redelivered one) only adds the replies.
func (s *Store) Finish(id int64, replies []Reply) ([]Reply, error) {
	out := make([]Reply, len(replies))
	err := s.db.Batch(func(tx *bolt.Tx) error {
		copy(out, replies)
		ob := tx.Bucket(bucketOutbox)
		for i := range out {
			seq, err := ob.NextSequence()
			if err != nil {
				return err
			}
			out[i].Key = seq
			v, err := json.Marshal(out[i])
			if err != nil {
				return err
			}
			if err := ob.Put(idKey(int64(seq)), v); err != nil {
				return err
			}
		}
		if id <= 0 {
			return nil
		}
		k := idKey(id)
		if err := tx.Bucket(bucketTaken).Delete(k); err != nil {
			return err
		}
		return tx.Bucket(bucketAnswered).Put(k, idKey(time.Now().Unix()))
	})
	if err != nil {
		return nil, fmt.Errorf("state: finish update %d: %w", id, err)
	}
	return out, nil
}

// Answered reports whether update id was answered (and not yet forgotten).
func (s *Store) Answered(id int64) bool {
	found := false
	_ = s.db.View(func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketAnswered).Get(idKey(id)) != nil
		return nil
	})
	return found
}

// Outbox returns the replies not yet sent, in the order they were put.
func (s *Store) Outbox() ([]Reply, error) {
	var out []Reply
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var r Reply
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("outbox entry %d: %w", keyID(k), err)
			}
			r.Key = uint64(keyID(k))
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("state: read outbox: %w", err)
	}
	return out, nil
}

// Attempt records that a send of reply key begins, so that a crash during
// the send is known at the next start; it returns the attempts so far.
func (s *Store) Attempt(key uint64) (int, error) {
	n := 0
	err := s.db.Batch(func(tx *bolt.Tx) error {
		ob := tx.Bucket(bucketOutbox)
		k := idKey(int64(key))
		v := ob.Get(k)
		if v == nil {
			return nil
		}
		var r Reply
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		r.Attempts++
		n = r.Attempts
		nv, err := json.Marshal(r)
		if err != nil {
			return err
		}
		return ob.Put(k, nv)
	})
	if err != nil {
		return 0, fmt.Errorf("state: outbox entry %d: %w", key, err)
	}
	return n, nil
}

// Done removes reply key from the outbox: sent, or given up.
func (s *Store) Done(key uint64) error {
	err := s.db.Batch(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).Delete(idKey(int64(key)))
	})
	if err != nil {
		return fmt.Errorf("state: outbox entry %d: %w", key, err)
	}
	return nil
}

// Forget drops the answered ids recorded before t (Telegram redelivers an
// update for at most a day) and returns how many went.
func (s *Store) Forget(before time.Time) (int, error) {
	n := 0
	cut := before.Unix()
	err := s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bucketAnswered)
		var old [][]byte // a cursor may skip keys when deleting as it goes
		_ = b.ForEach(func(k, v []byte) error {
			if len(v) == 8 && keyID(v) < cut {
				old = append(old, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range old {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	return n, err
}
