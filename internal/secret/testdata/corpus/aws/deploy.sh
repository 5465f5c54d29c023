#!/bin/sh
set -eu
export AWS_ACCESS_KEY_ID="AKIA6L6XMFXWTWF4MBU5"
export AWS_SECRET_ACCESS_KEY="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"
aws s3 sync ./dist s3://shop-assets --delete
