#!/usr/bin/env bash
# Copies the container files (Dockerfiles, Compose/Kubernetes/Helm YAML, env files, .dockerignore, Helm helpers)
# of a repository snapshot's HEAD into DEST/<name>/, and records the commit in DEST/<name>/COMMIT.
# Usage: extract.sh <git-dir> <name> <dest>
# The copies are for reading findings (docs/precision.md, docs/accuracy.md); they are not committed.
set -euo pipefail
git_dir=$1; name=$2; dest=$3
out="$dest/$name"
rm -rf "$out"; mkdir -p "$out"
commit=$(git --git-dir="$git_dir" rev-parse HEAD)
git --git-dir="$git_dir" ls-tree -r --name-only HEAD \
  | grep -Ei '(^|/)(Dockerfile[^/]*|Containerfile[^/]*|[^/]*\.dockerfile|[^/]*\.ya?ml|\.env[^/]*|[^/]*\.env|[^/]*\.dockerignore|\.dockerignore|[^/]*\.tpl)$' \
  | grep -Ev '(^|/)(\.github|\.gitlab|node_modules|vendor)/' \
  | while IFS= read -r path; do
      mkdir -p "$out/$(dirname "$path")"
      git --git-dir="$git_dir" show "HEAD:$path" > "$out/$path" 2>/dev/null || rm -f "$out/$path"
    done
echo "$commit" > "$out/COMMIT"
echo "$name $commit $(find "$out" -type f | wc -l) files"
