@echo off
rem trainscope: the release's launcher for Windows. Needs any Java 17 or newer: %JAVA_HOME%\bin\java.exe
rem when JAVA_HOME is set, else the java on the PATH. lib\ holds the command line and the dashboard,
rem lib\demo\ the demo (DJL and PyTorch), which is added to the class path for "demo" only. (PyTorch's
rem native library in lib\demo is Linux x86-64's: the demo trains on Linux only; serve, doctor and
rem inspect run anywhere.) TRAINSCOPE_JAVA_OPTS adds JVM options. Unlike bin/trainscope, this
rem launcher keeps no class-data-sharing archives.
setlocal
set "LIB=%~dp0..\lib"
if defined JAVA_HOME (
  set "JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "JAVA=java"
)
if defined JAVA_HOME if not exist "%JAVA%" (
  echo trainscope: JAVA_HOME is %JAVA_HOME%, but %JAVA% is not there; set JAVA_HOME to a Java 17 or newer 1>&2
  exit /b 1
)
set "CP=%LIB%\*"
if /i "%~1"=="demo" (
  if not exist "%LIB%\demo" (
    echo trainscope: the demo needs %LIB%\demo ^(DJL and PyTorch^), which is missing; unpack the release again 1>&2
    exit /b 1
  )
  set "CP=%LIB%\*;%LIB%\demo\*"
)
rem the parallel collector, as bin/trainscope (BENCHMARKS.md), unless TRAINSCOPE_JAVA_OPTS names one
set "GC=-XX:+UseParallelGC"
echo.%TRAINSCOPE_JAVA_OPTS% | findstr /r /c:"-XX:+Use[A-Za-z0-9]*GC" >nul && set "GC="
rem inspect and doctor read a log directory once: C2 only for code that ran 30 times the default, as bin/trainscope
set "JIT="
if /i "%~1"=="inspect" set "JIT=-XX:Tier4InvocationThreshold=150000 -XX:Tier4MinInvocationThreshold=18000 -XX:Tier4CompileThreshold=450000 -XX:Tier4BackEdgeThreshold=1200000"
if /i "%~1"=="doctor" set "JIT=-XX:Tier4InvocationThreshold=150000 -XX:Tier4MinInvocationThreshold=18000 -XX:Tier4CompileThreshold=450000 -XX:Tier4BackEdgeThreshold=1200000"
"%JAVA%" %GC% %JIT% %TRAINSCOPE_JAVA_OPTS% -cp "%CP%" dev.trainscope.cli.Main %*
exit /b %ERRORLEVEL%
