/** POST /build: the classic builder's JSON messages and the prune reply. */

/** One line of the build's reply stream (Docker's jsonmessage as the classic builder sends it). */
export interface BuildMessage {
  /** text for the terminal: "Step 1/3 : FROM busybox\n", " ---> 5b0d59026729\n", RUN output */
  stream?: string;
  /**
   * {"ID": "sha256:..."}: the image built (what `docker build -q` / --iidfile print);
   * {"ContextSize": n}: berth's POST /build/local, the size of the context the daemon read
   * (the client prints it as docker's "Sending build context" line)
   */
  aux?: { ID: string } | { ContextSize: number };
  errorDetail?: { code?: number; message: string };
  error?: string;
}

/** POST /build/prune */
export interface BuildPruneResponse {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}
