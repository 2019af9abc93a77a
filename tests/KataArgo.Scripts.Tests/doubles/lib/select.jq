# kubectl's -l and --field-selector, parsed by double.sh into requirements:
# rop (eq, ne, in, notin, exists, absent), rkey, rval (comma-separated); fpath, fop, fval.

def matches($req):
  (.metadata.labels // {}) as $labels
  | . as $o
  | select(all(range(0; $req.named.nreq | tonumber);
      . as $i | $labels[$req.named["rkey\($i)"]] as $v | ($req.named["rval\($i)"] | split(",")) as $set
      | $req.named["rop\($i)"]
      | if . == "eq" then $v == $set[0]
        elif . == "ne" then $v != $set[0]
        elif . == "in" then $v != null and ($set | index([$v])) != null
        elif . == "notin" then $v == null or ($set | index([$v])) == null
        elif . == "exists" then $v != null
        else $v == null end))
  | select(all(range(0; $req.named.nfield | tonumber);
      . as $i | ($o | getpath($req.named["fpath\($i)"] | split(".")) // "" | tostring) as $actual
      | if $req.named["fop\($i)"] == "!=" then $actual != $req.named["fval\($i)"] else $actual == $req.named["fval\($i)"] end));

def list($items): {apiVersion: "v1", kind: "List", items: $items, metadata: {resourceVersion: ""}} | tojson + "\n";
