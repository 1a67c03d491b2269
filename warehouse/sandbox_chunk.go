package warehouse

import (
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow"
)

// rangeBytes estimates the bytes rows [from, to) of an array take in an Arrow IPC
// message: value data and offsets, following lists and structs into their children.
// Positions are logical (relative to the array's own offset).
func rangeBytes(d arrow.ArrayData, from, to int64) int64 {
	n := to - from
	if n <= 0 {
		return 0
	}
	bufs := d.Buffers()
	buf := func(i int) []byte {
		if i < len(bufs) && bufs[i] != nil {
			return bufs[i].Bytes()
		}
		return nil
	}
	off := int64(d.Offset())
	validity := (n + 7) / 8
	switch dt := d.DataType().(type) {
	case *arrow.NullType:
		return 0
	case *arrow.BooleanType:
		return validity + (n+7)/8
	case *arrow.StringType, *arrow.BinaryType:
		o := buf(1)
		a, b := int32At(o, off+from), int32At(o, off+to)
		return validity + 4*n + int64(b-a)
	case *arrow.LargeStringType, *arrow.LargeBinaryType:
		o := buf(1)
		return validity + 8*n + int64At(o, off+to) - int64At(o, off+from)
	case *arrow.StringViewType, *arrow.BinaryViewType:
		views := buf(1)
		size := validity + 16*n
		for i := off + from; i < off+to; i++ {
			if l := int64(int32At(views, 4*i)); l > 12 {
				size += l // int32At reads the view's first 4 bytes: its length
			}
		}
		return size
	case *arrow.ListType, *arrow.MapType:
		o := buf(1)
		a, b := int32At(o, off+from), int32At(o, off+to)
		return validity + 4*n + rangeBytes(d.Children()[0], int64(a), int64(b))
	case *arrow.LargeListType:
		o := buf(1)
		return validity + 8*n + rangeBytes(d.Children()[0], int64At(o, off+from), int64At(o, off+to))
	case *arrow.FixedSizeListType:
		k := int64(dt.Len())
		return validity + rangeBytes(d.Children()[0], (off+from)*k, (off+to)*k)
	case *arrow.StructType:
		size := validity
		for _, c := range d.Children() {
			size += rangeBytes(c, off+from, off+to)
		}
		return size
	case *arrow.DictionaryType:
		return validity + n*int64(dt.IndexType.(arrow.FixedWidthDataType).BitWidth()/8)
	case arrow.FixedWidthDataType:
		return validity + n*int64(dt.BitWidth())/8
	}
	// Anything else (unions, run-end encoding): its share of all its buffers.
	var total int64
	var walk func(arrow.ArrayData)
	walk = func(x arrow.ArrayData) {
		for _, b := range x.Buffers() {
			if b != nil {
				total += int64(b.Len())
			}
		}
		for _, c := range x.Children() {
			walk(c)
		}
	}
	walk(d)
	if l := int64(d.Len()); l > 0 {
		return total * n / l
	}
	return total
}

// int32At is the i-th little-endian int32 of b (Arrow buffers are little-endian), 0
// past its end.
func int32At(b []byte, i int64) int32 {
	if i < 0 || 4*i+4 > int64(len(b)) {
		return 0
	}
	return int32(binary.LittleEndian.Uint32(b[4*i:]))
}

func int64At(b []byte, i int64) int64 {
	if i < 0 || 8*i+8 > int64(len(b)) {
		return 0
	}
	return int64(binary.LittleEndian.Uint64(b[8*i:]))
}
