#!/bin/sh
# Waits for the Temporal frontend, creates the namespace with its retention (TEMPORAL_RETENTION, default 30 days;
# updated when it differs) and the order search attributes, then stays up so the compose healthcheck can confirm
# both; the API and the worker start once it is healthy.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_RETENTION:-720h}"
case "$retention" in *d) retention="$(( ${retention%d} * 24 ))h" ;; esac
until temporal operator cluster health >/dev/null 2>&1; do sleep 2; done
if temporal operator namespace describe --namespace "$ns" >/dev/null 2>&1; then
  temporal operator namespace update --namespace "$ns" --retention "$retention"
else
  temporal operator namespace create --namespace "$ns" --retention "$retention"
fi
for attribute in OrderStatus:Keyword UserId:Int Tier:Keyword ServerStatus:Keyword NodeId:Int; do
  name="${attribute%%:*}"
  temporal operator search-attribute list --namespace "$ns" | grep -q "^ *$name " \
    || temporal operator search-attribute create --namespace "$ns" --name "$name" --type "${attribute#*:}"
done
echo "namespace $ns ready (retention $retention), search attributes registered"
exec sleep infinity
