#!/bin/sh
echo "//npm.pkg.github.com/:_authToken=6JIaw1qnIs15Lg9ayTKmDpHZKDSzbQ9JivaZmZkG" > ~/.npmrc
npm publish
