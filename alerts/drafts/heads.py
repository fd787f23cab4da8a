"""The head nouns a draft may name a complaint's thing by, with the topic each says and
the determiner it reads with ("your order", "the app"). Split from ``object_phrase`` (which
reads a post for them) so the vocabulary grows apart from the reading rules."""

from __future__ import annotations

# Head noun → (topic, determiner "your" | "the"). The topic is the judge's topic vocabulary
# where one fits (so a known fix is offered for its own topic only), else a drafts-only
# topic (travel, food, connection, power, contact, offer) that no fix in the settings has.
# "your" for what the person owns or did (an order, a flight, a refund owed to them),
# "the" for what is ours (the app, the website, the delay).
YOURS = "your"
THE = "the"
HEADS: dict[str, tuple[str, str]] = {}


def words_set(words: str) -> frozenset[str]:
    return frozenset(w.strip() for w in words.split(","))


def _add(topic: str, determiner: str, words: str) -> None:
    for word in words.split(","):
        HEADS[word.strip()] = (topic, determiner)


_add("delivery", YOURS, "order,orders,package,packages,parcel,parcels,delivery,deliveries,"
     "shipment,shipping,tracking number,return,returns,collection,pickup,pick up,"
     "pick-up,item,items,purchase,purchases,gift,goods")  # fmt: skip
_add("delivery", THE, "courier,driver,delivery driver,tracking,box,packaging,address")
_add("product_quality", YOURS, "part,parts,piece,pieces,bolt,bolts,screw,screws,lid,lids,"
     "accessory,accessories,instructions,manual,kit")  # fmt: skip
_add("billing", YOURS, "refund,refunds,bill,bills,invoice,payment,payments,card,credit card,"
     "debit card,gift card,subscription,membership,direct debit,account balance,money,"
     "deposit,receipt,statement,voucher,claim,warranty,insurance,policy,premium,rate,"
     "renewal,cancellation")  # fmt: skip
_add("billing", THE, "charge,charges,fee,fees,overcharge,double charge,transaction")
_add("account", YOURS, "account,password,login,log-in,sign-in,email,emails,profile,"
     "verification code,username")  # fmt: skip
_add("account", THE, "limit,limits,restriction,restrictions")
_add("website_app", THE, "app,website,site,web site,page,checkout,cart,basket,update,"
     "software,game,server,servers,download,downloads,glitch,bug,bugs,error,error message,"
     "button,feature,setting,settings,option,link,search,graphics driver,browser,"
     "check-in,web check-in,online check-in,kiosk,stream,streaming,spam,ads,pop-up ads,"
     "firmware,program,programme,antivirus,ad,crossword")  # fmt: skip
_add("product_quality", YOURS, "phone,laptop,computer,tablet,printer,headphones,earphones,"
     "watch,tracker,charger,battery,screen,tv,television,camera,console,controller,"
     "washer,washing machine,dryer,dishwasher,fridge,oven,microwave,vacuum,blender,"
     "kettle,car,vehicle,engine,brakes,clutch,tyre,tire,heating,boiler,jacket,coat,"
     "dress,shirt,top,jeans,shoes,trainers,boots,bag,case,phone case,hard drive,"
     "foundation,mattress,sofa,furniture,device,remote,router,modem,heart rate monitor,"
     "book,books,jersey,hat,machine,maker,transmission,exhaust,headlights,wipers,"
     "air conditioning,air con,aircon,lipstick,bronzer,powder,makeup,mascara,perfume,"
     "fragrance,tshirt,t-shirt,disc,disk,air bag,airbag,airbags,scanner,doll,toy")  # fmt: skip
_add("product_quality", THE, "quality,stitching,design,product,products,sizing,fit")
_add("food", YOURS, "food,meal,burger,cheeseburger,sandwich,pizza,coffee,drink,fries,"
     "chips,breakfast,lunch,dinner,takeaway,tea,popcorn,nuggets,tenders,wings,soup,"
     "beer")  # fmt: skip
_add("food", THE, "sauce,menu,taco,chicken,gravy,bread,salad")
_add("travel", YOURS, "flight,flights,booking,reservation,ticket,tickets,seat,seats,"
     "luggage,baggage,bags,suitcase,suitcases,room,trip,ride,journey,train ticket,"
     "connection flight,hotel room,upgrade,stay")  # fmt: skip
_add("travel", THE, "train,trains,bus,buses,service to,route,line,gate agent,crew,"
     "boarding,platform,timetable,cancellation of your flight")  # fmt: skip
_add("connection", THE, "speed,speeds,download speed,download speeds")
_add("connection", YOURS, "internet,wifi,wi-fi,broadband,connection,signal,network,4g,"
     "5g,coverage,data,landline,cable,service at home")  # fmt: skip
_add("power", THE, "power,power cut,power outage,power outages,outage,outages,blackout,"
     "electricity,gas,meter,tokens,token")  # fmt: skip
_add("support", THE, "employee,cashier,rep,representative,waiter,waitress,receptionist,"
     "guard,conductor,security,hold,wait on hold,customer service,customer care,support,service,"
     "staff,agent,manager,call centre,call center,helpline,team,store,branch,shop,"
     "engineer,technician,electrician,plumber,fitter,installer,appointment,callback,call back,"
     "complaint,case,dm,dms,reply,response")  # fmt: skip
_add("support", YOURS, "complaint,case,case number,application,appointment,dm,dms,call,"
     "calls,tweets,messages,request")  # fmt: skip
_add("support", THE, "queue,queues,wait,waiting time,repair,repairs,replacement,installation,"
     "engineer visit,visit,parking,car park,lift,elevator,toilets,toilet,washroom,lounge,bar,"
     "station,carriage,coach,bus stop,newsletter,notifications,recording,dvr,"
     "remote control")  # fmt: skip
_add("billing", YOURS, "points,reward,rewards,loyalty points,contract,plan,tariff,deposit")
_add("delivery", YOURS, "newspaper,paper,magazine,copy,copies,prescription")
_add("pricing", THE, "price,prices,price increase,price rise,discount,offer,deal,promo,"
     "promotion,coupon,code,sale,fare,fares")  # fmt: skip
