{
  "targets": [
    {
      "target_name": "berth_native",
      "sources": ["src/seqpacket.c", "src/mount.c", "src/syncfs.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
