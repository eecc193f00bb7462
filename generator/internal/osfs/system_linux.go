package osfs

import "syscall"

// pseudoFS reports whether the file at path is on a file system the kernel
// makes up (procfs, sysfs and their kin), wherever it is mounted: a
// container may mount the host's /proc at /host/proc.
func pseudoFS(path string) bool {
	var st syscall.Statfs_t
	if syscall.Statfs(path, &st) != nil {
		return false
	}
	switch uint32(st.Type) {
	case 0x9fa0, // procfs
		0x62656572, // sysfs
		0x64626720, // debugfs
		0x74726163, // tracefs
		0x73636673, // securityfs
		0x27e0eb,   // cgroup
		0x63677270, // cgroup2
		0x6e736673, // nsfs
		0xcafe4a11, // bpf
		0x62656570, // configfs
		0xde5e81e4, // efivarfs
		0x1cd1:     // devpts
		return true
	}
	return false
}
