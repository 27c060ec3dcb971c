#!/bin/sh
i=1
while true
do
  echo "hello world,sanchuang $i"
  i=$((i+1))
  sleep 1
done
