// Protocol notes and driver rules live here; see the package comment in
// lockio.go for what the package is.
//
// # 8A/80 boards (first family)
//
// 9600 8N1, RS485 half duplex. The last byte of every frame is the XOR of
// the bytes before it.
//
//	open one lock   8A AA LL 11 BCC   → 8A AA LL SS BCC
//	open all        8A AA 00 11 BCC   → (undocumented; 8A AA 00 SS BCC assumed)
//	read one lock   80 AA LL 33 BCC   → 80 AA LL SS BCC
//	read board      80 AA 00 33 BCC   → 80 AA S_n … S_1 33 BCC
//
// More in the full protocol section below.
package lockio
