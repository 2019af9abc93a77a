def event($ns; $pod; $type; $reason; $message):
  .seq = ((.seq // 0) + 1)
  | .events += [{apiVersion: "v1", kind: "Event", metadata: {name: "\($pod).\(.seq)", namespace: $ns},
      involvedObject: {kind: "Pod", name: $pod, namespace: $ns}, type: $type, reason: $reason, message: $message,
      count: 1, lastTimestamp: "2030-01-01T00:00:00Z"}];
