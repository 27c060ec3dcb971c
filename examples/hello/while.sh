#!/bin/bash
# Prints a greeting every second, forever.
i=1
while true
do
  echo "hello world,sanchuang $i"
  let i++
  sleep 1
done
