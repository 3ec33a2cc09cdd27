#!/usr/bin/env bash
# Deploys to Kubernetes: runs the migration Job to completion, then rolls out web and worker.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: deploy/scripts/deploy.sh [-d DIR] [-n NAMESPACE] [-t SECONDS] [IMAGE]

  IMAGE         image for web, worker and migrations, e.g. registry.example.com/saas-app:1.2.3
                (default: the image set in DIR/kustomization.yaml)
  -d DIR        kustomization folder (default: deploy/kubernetes)
  -n NAMESPACE  namespace (default: saas-app)
  -t SECONDS    timeout for the migration and for each rollout (default: 600)

Steps:
  1. checks that the Secret saas-app-secrets exists
  2. applies the namespace, config and migration Job (the previous Job is deleted first)
  3. waits for the Job to complete; on failure prints its logs and stops before any rollout
  4. applies everything else and waits for both Deployments to roll out

Needs kubectl with access to the cluster (kubectl config current-context).
USAGE
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$script_dir/../kubernetes"
namespace="saas-app"
timeout=600

while getopts ":d:n:t:h" opt; do
  case "$opt" in
    d) dir="$OPTARG" ;;
    n) namespace="$OPTARG" ;;
    t) timeout="$OPTARG" ;;
    h) usage; exit 0 ;;
    :) echo "deploy.sh: -$OPTARG needs a value" >&2; usage >&2; exit 2 ;;
    *) echo "deploy.sh: unknown option -$OPTARG" >&2; usage >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [[ $# -gt 1 ]]; then usage >&2; exit 2; fi
image="${1:-}"

[[ "$timeout" =~ ^[0-9]+$ ]] || { echo "deploy.sh: -t expects seconds" >&2; exit 2; }
[[ -f "$dir/kustomization.yaml" ]] || { echo "deploy.sh: no kustomization.yaml in $dir" >&2; exit 2; }
command -v kubectl >/dev/null 2>&1 || { echo "deploy.sh: kubectl is required" >&2; exit 2; }

job="saas-app-migrate"
kc() { kubectl --namespace "$namespace" "$@"; }

echo "==> context $(kubectl config current-context), namespace $namespace"

if ! kc get secret saas-app-secrets >/dev/null 2>&1; then
  echo "deploy.sh: Secret saas-app-secrets not found in namespace $namespace." >&2
  echo "  Create it first: see deploy/kubernetes/secret.example.yaml and deploy/kubernetes/README.md" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
manifests="$work/manifests.yaml"
kubectl kustomize "$dir" > "$manifests"
if [[ -n "$image" ]]; then
  # Every container in these manifests runs the application image.
  sed -E -i.bak "s#^([[:space:]]*(- )?image:[[:space:]]*).*#\\1${image}#" "$manifests"
fi
echo "==> image $(grep -m1 -E '^[[:space:]]*(- )?image:' "$manifests" | sed -E 's/.*image:[[:space:]]*//')"

echo "==> migrations"
kc delete job "$job" --ignore-not-found --wait=true >/dev/null
kubectl apply -f "$manifests" -l 'app.kubernetes.io/component notin (web,worker)'

print_job_logs() {
  echo "---- $job logs ----" >&2
  kc logs "job/$job" --all-containers --tail=200 >&2 || true
  echo "-------------------" >&2
}

deadline=$((SECONDS + timeout))
while :; do
  conditions="$(kc get job "$job" -o jsonpath='{range .status.conditions[*]}{.type}={.status}{"\n"}{end}' 2>/dev/null || true)"
  if grep -qx 'Complete=True' <<<"$conditions"; then
    echo "==> migrations applied"
    break
  fi
  if grep -qx 'Failed=True' <<<"$conditions"; then
    echo "deploy.sh: migration Job failed; nothing was rolled out" >&2
    print_job_logs
    exit 1
  fi
  if ((SECONDS >= deadline)); then
    echo "deploy.sh: migration Job did not finish within ${timeout}s; nothing was rolled out" >&2
    print_job_logs
    exit 1
  fi
  sleep 3
done
kc logs "job/$job" --tail=20 2>/dev/null || true

echo "==> rollout"
kubectl apply -f "$manifests" -l 'app.kubernetes.io/component!=migrate'
kc rollout status deployment/saas-app-web --timeout="${timeout}s"
kc rollout status deployment/saas-app-worker --timeout="${timeout}s"

echo "==> done. Check from outside with: deploy/scripts/smoke-test.sh https://YOUR_DOMAIN"
