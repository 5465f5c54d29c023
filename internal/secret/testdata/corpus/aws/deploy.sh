#!/bin/sh
set -eu
export AWS_ACCESS_KEY_ID="AKIAWHGOEQ2B5TA6CE64"
export AWS_SECRET_ACCESS_KEY="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"
aws s3 sync ./dist s3://shop-assets --delete
