package bench

import (
	"encoding/binary"
	"fmt"
	"os"
)

// bbolt's on-disk layout (go.etcd.io/bbolt internal/common): each of the
// two meta pages (page 0 and page 1) starts with a 16-byte page header
// followed by the meta: magic, version, pageSize, flags (4 bytes each), the
// root bucket (16), freelist pgid (8), high-water pgid (8), txid (8),
// checksum (8).
const (
	boltMagic       = 0xED0CDAED
	boltPageHeader  = 16
	boltMetaTxidOff = boltPageHeader + 16 + 16 + 8 + 8
)

// ReadBoltState reads path's size and the larger txid of its two meta
// pages, with plain reads: it works while another process holds bbolt's
// lock on the file.
func ReadBoltState(path string) (BoltState, error) {
	f, err := os.Open(path)
	if err != nil {
		return BoltState{}, err
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return BoltState{}, err
	}
	s := BoltState{Size: st.Size()}
	var page0 [boltMetaTxidOff + 8]byte
	if _, err := f.ReadAt(page0[:], 0); err != nil {
		return s, fmt.Errorf("%w: bbolt meta page 0: %w", ErrParse, err)
	}
	if binary.LittleEndian.Uint32(page0[boltPageHeader:]) != boltMagic {
		return s, fmt.Errorf("%w: %s is not a bbolt database", ErrParse, path)
	}
	pageSize := int64(binary.LittleEndian.Uint32(page0[boltPageHeader+8:]))
	s.Txid = binary.LittleEndian.Uint64(page0[boltMetaTxidOff:])
	var page1 [boltMetaTxidOff + 8]byte
	if _, err := f.ReadAt(page1[:], pageSize); err == nil && binary.LittleEndian.Uint32(page1[boltPageHeader:]) == boltMagic {
		s.Txid = max(s.Txid, binary.LittleEndian.Uint64(page1[boltMetaTxidOff:]))
	}
	return s, nil
}
