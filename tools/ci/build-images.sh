#!/usr/bin/env bash
# Builds the image of each app with infra/docker/node-app.Dockerfile, for CI and releases: the
# same Dockerfile and build arguments the engine tests build with (libs/engine, via podman).
#   tools/ci/build-images.sh --affected <base-ref>      only the apps a change touches
#   tools/ci/build-images.sh --all [--push REGISTRY --tag VERSION]
# CONTAINER_ENGINE: docker (default) or podman. NPM_CA_FILE: a CA bundle npm must trust inside
# the build (a TLS-inspecting proxy), handed over as the build secret `ca`, never a layer.
set -euo pipefail
cd "$(dirname "$0")/../.."

mode="" base="" registry="" tag="dev"
while [ $# -gt 0 ]; do
  case "$1" in
    --affected) mode=affected; base="$2"; shift 2 ;;
    --all) mode=all; shift ;;
    --push) registry="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    *) echo "[images] unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$mode" ] || { echo "[images] give --affected <base-ref> or --all" >&2; exit 2; }

export NX_DAEMON=false NX_NO_CLOUD=true
if [ "$mode" = affected ]; then
  apps=$(npx nx show projects --affected --base="$base" --head=HEAD --projects 'tag:type:app' | sort)
else
  apps=$(npx nx show projects --projects 'tag:type:app' | sort)
fi
[ -n "$apps" ] || { echo "[images] no app affected"; exit 0; }

engine="${CONTAINER_ENGINE:-docker}"
extra=()
if [ -n "${NPM_CA_FILE:-}" ]; then extra+=(--secret "id=ca,src=$NPM_CA_FILE"); fi
# podman's default OCI format would drop the HEALTHCHECK.
if [ "$engine" = podman ]; then extra+=(--format docker); fi
revision=$(git rev-parse HEAD)
for app in $apps; do
  image="llmmon/$app:$tag"
  echo "[images] building $image"
  "$engine" build -f infra/docker/node-app.Dockerfile --build-arg APP="$app" \
    --build-arg VERSION="$tag" --build-arg REVISION="$revision" "${extra[@]}" -t "$image" .
  if [ -n "$registry" ]; then
    for t in "$tag" latest; do
      "$engine" tag "$image" "$registry/llmmon-$app:$t"
      "$engine" push "$registry/llmmon-$app:$t"
    done
  fi
done
