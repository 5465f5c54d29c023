#!/bin/sh
echo "//npm.pkg.github.com/:_authToken=0rkL9DriW2fWVM4qszKVsHpuXhMSJcdV9CVitZSw" > ~/.npmrc
npm publish
