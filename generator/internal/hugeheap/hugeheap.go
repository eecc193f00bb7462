// Package hugeheap lets a short-lived Go program have its heap on Linux's
// transparent huge pages where the system leaves that to each program.
//
// Many kernels run transparent huge pages in "madvise" mode: memory gets 2 MiB
// pages only where its program asks with madvise(MADV_HUGEPAGE). The Go
// runtime does not ask for its heap, so every 4 KiB page of it costs a page
// fault when first touched, and every access pays for translating small
// pages: on a virtual machine, where both are dear, that was a fifth of a
// 10,000-incident build's CPU time.
//
// Reserve has the runtime map a stretch of heap up front that nothing has
// touched yet, asks for huge pages there and gives it back to the heap. The advice stays with the mapping for the life of the process, also
// where the runtime later returns pages to the system and touches them again,
// so the heap the program grows into is backed by huge pages.
package hugeheap
