#!/bin/sh
curl -H "Authorization: token ghp_iqi9yuV1WqnzfufayXi4C6eNfFV63CHvEfps" https://api.github.com/user
